package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.Internal;
import io.leakguard.cleanup.jdk.InternalField;
import io.leakguard.cleanup.jdk.InternalMethod;
import io.leakguard.cleanup.jdk.JdkInternals;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * What ties a live thread to the dying web application apart from its context class loader, which proves nothing on
 * its own: a thread inherits it from whoever created it, so a server or library thread may carry it too.
 */
final class ThreadTies {

    /** The task a thread was created with: a field of Thread up to Java 18, of its field holder from Java 19 on. */
    private static final Optional<InternalField> TARGET = JdkInternals.optionalField("java.lang.Thread", "target");
    private static final Optional<InternalField> HOLDER = JdkInternals.optionalField("java.lang.Thread", "holder");
    private static final Optional<InternalField> HOLDER_TASK =
            JdkInternals.optionalField("java.lang.Thread$FieldHolder", "task");
    /**
     * Stack frames carry class names only. Asking the loader which class it already knows by that name loads nothing,
     * and tells a web application class from a server class of the same name. (The loader's own list of classes is
     * hidden from reflection, so LoadedClasses cannot serve here.)
     */
    private static final InternalMethod FIND_LOADED =
            JdkInternals.method("java.lang.ClassLoader", "findLoadedClass", String.class);
    private static final String POOL_WORKER = "java.util.concurrent.ThreadPoolExecutor$Worker";

    private final Ownership ownership;
    private final Reach reach;
    private final Reach others;
    private final Map<String, Boolean> ownedNames = new HashMap<>();

    /** How a thread belongs to the web application, as a clause for the message, and whether to interrupt it. */
    record Tie(String clause, boolean interruptible) {
    }

    ThreadTies(Scan scan) {
        ownership = scan.ownership();
        reach = scan.reach();
        others = scan.reachOtherApplications();
    }

    static List<Internal> needs() {
        List<Internal> needs = new ArrayList<>(List.of(FIND_LOADED));
        needs.addAll(ThreadAccess.needs());
        TARGET.ifPresent(needs::add);
        HOLDER.ifPresent(needs::add);
        HOLDER_TASK.ifPresent(needs::add);
        return needs;
    }

    /** The Runnable the thread was created with, or null. */
    static Object task(Thread thread) {
        if (TARGET.isPresent()) {
            return TARGET.get().get(thread);
        }
        Object holder = HOLDER.map(field -> field.get(thread)).orElse(null);
        return holder == null ? null : HOLDER_TASK.map(field -> field.get(holder)).orElse(null);
    }

    /** True for the threads of JDK thread pools, which the executor check handles as a whole. */
    static boolean inPool(Thread thread) {
        Object task = task(thread);
        return thread instanceof ForkJoinWorkerThread
                || task != null && task.getClass().getName().equals(POOL_WORKER);
    }

    /** How the thread belongs to the web application, or null when nothing shows it does. */
    Tie tie(Thread thread) {
        if (ownership.owns(thread.getClass())) {
            return new Tie("whose class is the web application's", true);
        }
        Object task = task(thread);
        if (ownership.ownsObject(task)) {
            return new Tie("which runs the web application's task " + Describe.object(task), true);
        }
        ThreadGroup group = thread.getThreadGroup();
        if (group != null && ownership.owns(group.getClass())) {
            return new Tie("whose thread group " + Describe.object(group) + " is the web application's", true);
        }
        if (belongsElsewhere(thread, task) || reach.from(task).isEmpty()) {
            return null;
        }
        Optional<StackTraceElement> frame = webappFrame(thread);
        if (frame.isEmpty()) {
            return null;
        }
        String clause = "which is running web application code at " + frame.get();
        // A shared thread whose task leads to another application as well may be running that application's class of
        // the same name: the other version of a parallel deployment, or the same library in both.
        return others.from(task).isEmpty() ? new Tie(clause, true)
                : new Tie(clause + " (a class of that name may be another application's, which its task also leads"
                        + " to)", false);
    }

    /**
     * True when the thread's class, task or context class loader comes from a loader beside the dying one, such as
     * another web application's. Frames name classes but not their loader (Java 17 keeps the class in a private field,
     * later releases do not), and two versions of one application (parallel deployment) have classes of the same names;
     * so code on the stack counts only when nothing points elsewhere and the thread's task reaches the dying one.
     */
    private boolean belongsElsewhere(Thread thread, Object task) {
        return isBeside(thread.getClass().getClassLoader())
                || task != null && isBeside(task.getClass().getClassLoader())
                || isBeside(ThreadAccess.contextClassLoader(thread));
    }

    private boolean isBeside(ClassLoader loader) {
        return !ownership.owns(loader) && !ownership.isServers(loader);
    }

    /** The topmost frame of the thread's stack that runs the web application's code. */
    Optional<StackTraceElement> webappFrame(Thread thread) {
        for (StackTraceElement frame : ThreadAccess.stackTrace(thread)) {
            if (ownedNames.computeIfAbsent(frame.getClassName(), this::ownsLoadedClass)) {
                return Optional.of(frame);
            }
        }
        return Optional.empty();
    }

    private boolean ownsLoadedClass(String name) {
        Object type = FIND_LOADED.invoke(ownership.loader(), name);
        return type != null && ownership.owns((Class<?>) type);
    }
}
