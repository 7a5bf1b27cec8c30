package dev.workmesh.scheduler.web;

/** {@code POST /schedules/{name}/trigger}: the manual fire and its task. */
public record TriggerView(String job, String outcome, FireView fire) {}
