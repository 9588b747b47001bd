package io.leakguard.cleanup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes a report the way operators read it: one warning per leak, then one summary line. */
public final class ReportLog {

    private static final Logger LOG = LoggerFactory.getLogger("io.leakguard");

    private ReportLog() {
    }

    public static void log(Report report) {
        for (Finding finding : report.findings()) {
            LOG.warn(finding.message());
        }
        LOG.info(report.summary());
    }

    public static Logger logger() {
        return LOG;
    }
}
