package dev.workmesh.client.model;

import java.util.List;

/** {@code POST /work/reports}: up to 100 reports on the caller's claims, applied in one transaction. */
public record ReportsRequest(List<ReportRequest> reports) {}
