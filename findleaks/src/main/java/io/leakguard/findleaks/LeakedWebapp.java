package io.leakguard.findleaks;

import java.time.Instant;
import java.util.Optional;

/**
 * A stopped web application whose class loader is still in memory.
 *
 * @param webapp the context name as operators know it, with its {@code ##version}
 * @param loadedClasses how many classes its loader had defined when it stopped: what each leak keeps in metaspace;
 *     -1 when this JVM does not let leakguard count them
 * @param heldBy the reference chain that holds it on one line, or why it could not be found
 * @param path the reference chain that holds it, link by link; empty when it could not be looked for
 */
public record LeakedWebapp(String webapp, Instant started, Instant stopped, int loadedClasses, String heldBy,
        Optional<LeakPath> path) {

    /** The version Tomcat's parallel deployment gives after {@code ##} in the name; empty for an unversioned one. */
    public String version() {
        int mark = webapp.indexOf("##");
        return mark < 0 ? "" : webapp.substring(mark + 2);
    }
}
