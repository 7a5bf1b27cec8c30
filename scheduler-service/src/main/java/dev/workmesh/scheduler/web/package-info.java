/**
 * The operator API under {@code /schedules}: {@link dev.workmesh.scheduler.web.ScheduleController},
 * guarded by {@link dev.workmesh.scheduler.web.OperatorTokenFilter}; every error is a problem+json
 * from mesh-web's problem handler. JSON is snake_case.
 */
package dev.workmesh.scheduler.web;
