package io.leakguard.findleaks;

import java.util.List;

/**
 * The shortest chain of strong references from a GC root to a stopped web application's class loader, one of its
 * classes or one of their instances: what keeps the application in memory.
 *
 * @param root what the JVM treats as always alive, e.g. {@code thread "http-nio-8080-exec-1"}
 * @param links each reference after the root; the last one leads into the web application
 * @param kind the known leak pattern the chain matches, or {@code "unknown"}
 * @param cut the index in {@code links} of the reference whose removal frees the application; -1 when the root itself
 *     holds the application's first object (a thread's local variable, a JNI reference)
 */
public record LeakPath(String webapp, String root, List<Link> links, String kind, int cut) {

    private static final String CUT = "   <== cut this reference";

    /** One reference: how it is held ({@code Thread.threadLocals}, {@code [3]}, ...) and what it points to. */
    public record Link(String via, String to) {
    }

    /** One line per link, the one to cut marked, for logs and the manager page. */
    public String text() {
        StringBuilder text = new StringBuilder("leak kind: ").append(kind).append("\n  GC root: ").append(root);
        if (cut < 0) {
            text.append(CUT);
        }
        for (int i = 0; i < links.size(); i++) {
            Link link = links.get(i);
            text.append("\n  -> ").append(link.via()).append(" = ").append(link.to());
            if (i == cut) {
                text.append(CUT);
            }
        }
        return text.toString();
    }

    /** The chain on one line, for a log warning. */
    public String oneLine() {
        StringBuilder line = new StringBuilder(root);
        for (Link link : links) {
            line.append(" -> ").append(link.via());
        }
        return line.append(" (").append(kind).append(")").toString();
    }
}
