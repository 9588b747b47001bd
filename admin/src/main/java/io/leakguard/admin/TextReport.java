package io.leakguard.admin;

import io.leakguard.findleaks.LeakPath;
import io.leakguard.findleaks.LeakedWebapp;
import java.util.List;

/**
 * The answer in the manager's text style, so that scripts written for {@code /manager/text/findleaks} read it: a first
 * line starting with {@code OK - } or {@code FAIL - }, then one line per leaked application, starting with its name.
 */
final class TextReport {

    static final String NONE = "OK - No memory leaks found";
    static final String FOUND = "OK - Found potential memory leaks in the following applications:";

    private TextReport() {
    }

    static String of(Answer answer, boolean explain) {
        List<LeakedWebapp> leaks = answer.check().leaks();
        StringBuilder text = new StringBuilder(leaks.isEmpty() ? NONE : FOUND).append('\n');
        for (LeakedWebapp leak : leaks) {
            text.append(line(leak)).append('\n');
            if (explain) {
                text.append(indented(explanation(leak))).append('\n');
            }
        }
        if (answer.cached()) {
            text.append("(").append(answer.cachedNote()).append(")\n");
        }
        return text.toString();
    }

    static String fail(String message) {
        return "FAIL - " + message + "\n";
    }

    /** What one leaked application is, on one line. */
    static String line(LeakedWebapp leak) {
        return leak.webapp() + " - version: " + (leak.version().isEmpty() ? "none" : leak.version()) + ", stopped: "
                + leak.stopped() + ", classes kept loaded: "
                + (leak.loadedClasses() < 0 ? "unknown" : Integer.toString(leak.loadedClasses()));
    }

    /** The reference chain, one link per line with the one to cut marked, or why there is none. */
    static String explanation(LeakedWebapp leak) {
        return leak.path().map(LeakPath::text).orElse("not explained: " + leak.heldBy());
    }

    private static String indented(String lines) {
        return "  " + lines.replace("\n", "\n  ");
    }
}
