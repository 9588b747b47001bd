package io.leakguard.findleaks;

import java.lang.ref.PhantomReference;
import java.lang.ref.ReferenceQueue;
import java.time.Instant;
import java.util.Optional;

/**
 * A stopped web application's class loader, watched without keeping it alive. Phantom rather than weak: a weak
 * reference is cleared while objects of the application may still wait for their finalizer and bring the loader back,
 * whereas a phantom reference is only enqueued once the loader is really gone.
 *
 * <p>The {@link #serial} field is read back from heap dumps to find this reference's loader among all others.
 */
final class TrackedLoader extends PhantomReference<ClassLoader> {

    final long serial;
    final String webapp;
    final Instant started;
    final Instant stopped;
    final int loadedClasses;
    /** What holds the loader, once a heap dump showed a strong chain; later checks only need a plain collection. */
    volatile LeakPath path;
    /** The check that found {@link #path}, so an explanation right after it needs no second heap dump. */
    volatile long pathCheck;
    /** Why the last check could not look for a chain; the loader is listed, but not proven strongly held. */
    volatile String unverified;
    volatile boolean warned;

    TrackedLoader(ClassLoader loader, ReferenceQueue<ClassLoader> queue, long serial, String webapp, Instant started,
            Instant stopped, int loadedClasses) {
        super(loader, queue);
        this.serial = serial;
        this.webapp = webapp;
        this.started = started;
        this.stopped = stopped;
        this.loadedClasses = loadedClasses;
    }

    boolean confirmed() {
        return path != null;
    }

    boolean listed() {
        return path != null || unverified != null;
    }

    LeakedWebapp leak() {
        return new LeakedWebapp(webapp, started, stopped, loadedClasses,
                path != null ? path.oneLine() : "unknown (not verified: " + unverified + ")",
                Optional.ofNullable(path));
    }
}
