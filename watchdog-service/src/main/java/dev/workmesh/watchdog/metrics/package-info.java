/** Fleet gauges read from the database on a timer, served by every replica on {@code /actuator/prometheus}. */
package dev.workmesh.watchdog.metrics;
