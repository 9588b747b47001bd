package io.leakguard.cleanup;

import java.util.List;

/**
 * One leak: what holds the dying web application, how it reaches it, where it came from, and what was done.
 *
 * @param kind      the leak kind, as named by its check (for example {@code ThreadLocal})
 * @param webapp    the web application, as its container names it
 * @param what      the leaked thing, described without calling any web application code
 * @param chain     the links from the leaked thing to the web application's class or object, possibly empty
 * @param createdAt where the leaked thing was created, or null when unknown
 * @param threads   names of the threads that hold it, empty when no thread does
 * @param outcome   fixed, warned or skipped
 * @param action    what was done, or why nothing was
 */
public record Finding(String kind, String webapp, String what, List<String> chain, String createdAt,
        List<String> threads, Outcome outcome, String action) {

    /** A leak held by a whole pool names a few threads; the rest are counted, to keep it one readable line. */
    private static final int MAX_THREADS_NAMED = 5;

    public Finding {
        chain = List.copyOf(chain);
        threads = List.copyOf(threads);
    }

    /** The one log line for this leak. */
    public String message() {
        StringBuilder line = new StringBuilder("leakguard: [").append(webapp).append("] ")
                .append(kind).append(" leak: ").append(what);
        if (!chain.isEmpty()) {
            line.append("; held through ").append(String.join(" -> ", chain));
        }
        if (!threads.isEmpty()) {
            line.append("; on thread").append(threads.size() == 1 ? " " : "s ").append(threadList());
        }
        if (createdAt != null) {
            line.append("; created at ").append(createdAt);
        }
        line.append(switch (outcome) {
            case FIXED -> "; fixed: ";
            case WARNED -> "; not fixed: ";
            case SKIPPED -> "; skipped: ";
        }).append(action);
        return line.toString();
    }

    private String threadList() {
        int shown = Math.min(threads.size(), MAX_THREADS_NAMED);
        String names = "[" + String.join("], [", threads.subList(0, shown)) + "]";
        return shown == threads.size() ? names : names + " and " + (threads.size() - shown) + " more";
    }
}
