package io.leakguard.findleaks;

import java.time.Instant;

/**
 * A stopped web application whose class loader is still in memory.
 *
 * @param webapp the context name as operators know it, with its {@code ##version}
 * @param loadedClasses how many classes its loader had defined when it stopped: what each leak keeps in metaspace;
 *     -1 when this JVM does not let leakguard count them
 * @param heldBy the reference chain that holds it on one line, or why it could not be found
 */
public record LeakedWebapp(String webapp, Instant started, Instant stopped, int loadedClasses, String heldBy) {
}
