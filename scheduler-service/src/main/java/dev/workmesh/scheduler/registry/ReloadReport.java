package dev.workmesh.scheduler.registry;

import java.util.List;

/**
 * What a reload did.
 *
 * @param applied false when the file could not be read or was not valid TOML: the previous jobs stay
 * @param jobs the names of the jobs running after the reload
 * @param kept jobs whose new definition has problems and whose previous definition keeps running
 * @param problems one line each, naming file, job and field
 */
public record ReloadReport(
    String source,
    boolean applied,
    List<String> jobs,
    List<String> added,
    List<String> changed,
    List<String> removed,
    List<String> kept,
    List<String> problems) {}
