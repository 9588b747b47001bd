package io.leakguard.listener;

import org.apache.catalina.Context;
import org.apache.catalina.core.StandardContext;

/**
 * Tomcat's own leak checks that leakguard's engine duplicates, switched off per context where Tomcat has a flag for
 * it. Tomcat's other checks (threads a web application started, timer threads, JDBC drivers, RMI targets) have no
 * flag that silences their report, only flags for their fixes, so they still log in Tomcat's words.
 */
final class TomcatOverlap {

    private final boolean threadLocalsChecked;

    TomcatOverlap(ListenerSettings settings) {
        this.threadLocalsChecked = !settings.engineCheckOff("threadLocals");
    }

    void switchOffTomcatsDuplicates(Context context) {
        if (!(context instanceof StandardContext standard)) {
            return;
        }
        if (threadLocalsChecked) {
            // Tomcat's ThreadLocal check only reports; leakguard's runs first and reports the same entries (fixed or
            // left in place by policy), so Tomcat's lines would be the same leaks twice or stale ones.
            standard.setClearReferencesThreadLocals(false);
        }
        // A JVM that is shutting down frees every loader anyway; leakguard skips its own pass then too.
        standard.setSkipMemoryLeakChecksOnJvmShutdown(true);
    }
}
