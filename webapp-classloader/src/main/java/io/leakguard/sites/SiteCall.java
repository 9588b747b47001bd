package io.leakguard.sites;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.objectweb.asm.Opcodes;

/**
 * A JDK call that creates or registers something leakguard reports, and how an instrumented call site records it.
 * Calls are recognised on the JDK type itself, except {@code start()}: a thread is often started through its own
 * subclass ({@code myThread.start()}), which cannot be told from any other {@code start()} without loading classes
 * mid-transform, so every {@code start()} call site asks its receiver, at run time, whether it is a Thread. Virtual
 * threads ({@code startVirtualThread}, {@code Thread.ofVirtual()}) are not recorded: no check can see them, and an
 * application may start one per request.
 *
 * <p>A constructed type is also recorded when the application subclasses it ({@code new MyThreadLocal()}): the
 * subclass's constructor records itself right after its {@code super(...)} call, at that line. Which classes are
 * subclasses is only known once they load, often after the class that makes them was instrumented; for an anonymous
 * subclass the constructor's line is the line of its {@code new}, for a named one it is the subclass's constructor.
 *
 * @param opcode     the invoke instruction
 * @param owner      the internal name of the JDK class, or {@link #ANY_OWNER}
 * @param name       the method name, or a prefix ending in {@code *}
 * @param descriptor the method descriptor, or null for any
 * @param record     which value is recorded
 */
record SiteCall(int opcode, String owner, String name, String descriptor, Record record) {

    /** Which value the call site records, and so how the call is rewritten. */
    enum Record {
        /** The receiver, when it is a Thread: copied before the call, recorded, then the call runs unchanged. */
        THREAD_RECEIVER,
        /** The last argument: copied before the call, recorded, then the call runs unchanged. */
        LAST_ARGUMENT,
        /** The receiver and the argument of a one-argument call: both copied before the call and recorded. */
        RECEIVER_AND_ARGUMENT,
        /** The returned object: copied after the call and recorded. */
        RESULT,
        /** The object a constructor initialised: copied after the call and recorded. */
        CONSTRUCTED,
        /** A constructed Timer: its thread is recorded, the one part of a timer the timer check can find. */
        TIMER,
        /** An argument under a wide one: the call is replaced by its stand-in in {@link Calls}. */
        STAND_IN
    }

    static final String ANY_OWNER = "*";

    static final List<SiteCall> ALL = List.of(
            new SiteCall(Opcodes.INVOKEVIRTUAL, ANY_OWNER, "start", "()V", Record.THREAD_RECEIVER),
            // Thread.Builder (Java 21): named, not compiled against, so leakguard still builds for Java 17.
            new SiteCall(Opcodes.INVOKEINTERFACE, "java/lang/Thread$Builder", "start", null, Record.RESULT),
            new SiteCall(Opcodes.INVOKEINTERFACE, "java/lang/Thread$Builder", "unstarted", null, Record.RESULT),
            new SiteCall(Opcodes.INVOKEINTERFACE, "java/lang/Thread$Builder$OfPlatform", "start", null,
                    Record.RESULT),
            new SiteCall(Opcodes.INVOKEINTERFACE, "java/lang/Thread$Builder$OfPlatform", "unstarted", null,
                    Record.RESULT),
            new SiteCall(Opcodes.INVOKEVIRTUAL, "java/lang/Runtime", "addShutdownHook", "(Ljava/lang/Thread;)V",
                    Record.LAST_ARGUMENT),
            new SiteCall(Opcodes.INVOKESTATIC, "java/sql/DriverManager", "registerDriver", "(Ljava/sql/Driver;)V",
                    Record.LAST_ARGUMENT),
            new SiteCall(Opcodes.INVOKESTATIC, "java/sql/DriverManager", "registerDriver",
                    "(Ljava/sql/Driver;Ljava/sql/DriverAction;)V", Record.STAND_IN),
            new SiteCall(Opcodes.INVOKESPECIAL, "java/util/Timer", "<init>", null, Record.TIMER),
            new SiteCall(Opcodes.INVOKEVIRTUAL, "java/util/Timer", "schedule", "(Ljava/util/TimerTask;J)V",
                    Record.STAND_IN),
            new SiteCall(Opcodes.INVOKEVIRTUAL, "java/util/Timer", "schedule",
                    "(Ljava/util/TimerTask;Ljava/util/Date;)V", Record.STAND_IN),
            new SiteCall(Opcodes.INVOKEVIRTUAL, "java/util/Timer", "schedule", "(Ljava/util/TimerTask;JJ)V",
                    Record.STAND_IN),
            new SiteCall(Opcodes.INVOKEVIRTUAL, "java/util/Timer", "schedule",
                    "(Ljava/util/TimerTask;Ljava/util/Date;J)V", Record.STAND_IN),
            new SiteCall(Opcodes.INVOKEVIRTUAL, "java/util/Timer", "scheduleAtFixedRate",
                    "(Ljava/util/TimerTask;JJ)V", Record.STAND_IN),
            new SiteCall(Opcodes.INVOKEVIRTUAL, "java/util/Timer", "scheduleAtFixedRate",
                    "(Ljava/util/TimerTask;Ljava/util/Date;J)V", Record.STAND_IN),
            new SiteCall(Opcodes.INVOKESTATIC, "java/util/concurrent/Executors", "new*", null, Record.RESULT),
            new SiteCall(Opcodes.INVOKESPECIAL, "java/util/concurrent/ThreadPoolExecutor", "<init>", null,
                    Record.CONSTRUCTED),
            new SiteCall(Opcodes.INVOKESPECIAL, "java/util/concurrent/ScheduledThreadPoolExecutor", "<init>", null,
                    Record.CONSTRUCTED),
            new SiteCall(Opcodes.INVOKESPECIAL, "java/util/concurrent/ForkJoinPool", "<init>", null,
                    Record.CONSTRUCTED),
            new SiteCall(Opcodes.INVOKESPECIAL, "java/lang/ThreadLocal", "<init>", null, Record.CONSTRUCTED),
            new SiteCall(Opcodes.INVOKESPECIAL, "java/lang/InheritableThreadLocal", "<init>", null,
                    Record.CONSTRUCTED),
            new SiteCall(Opcodes.INVOKESTATIC, "java/lang/ThreadLocal", "withInitial", null, Record.RESULT),
            // The entry it makes is the leak: its key and its value, whichever of them reaches the application.
            new SiteCall(Opcodes.INVOKEVIRTUAL, "java/lang/ThreadLocal", "set", "(Ljava/lang/Object;)V",
                    Record.RECEIVER_AND_ARGUMENT),
            new SiteCall(Opcodes.INVOKEVIRTUAL, "java/lang/InheritableThreadLocal", "set", "(Ljava/lang/Object;)V",
                    Record.RECEIVER_AND_ARGUMENT),
            new SiteCall(Opcodes.INVOKESTATIC, "java/security/Security", "addProvider",
                    "(Ljava/security/Provider;)I", Record.LAST_ARGUMENT),
            new SiteCall(Opcodes.INVOKESTATIC, "java/security/Security", "insertProviderAt",
                    "(Ljava/security/Provider;I)I", Record.STAND_IN),
            new SiteCall(Opcodes.INVOKEINTERFACE, "javax/management/MBeanServer", "registerMBean",
                    "(Ljava/lang/Object;Ljavax/management/ObjectName;)Ljavax/management/ObjectInstance;",
                    Record.STAND_IN),
            new SiteCall(Opcodes.INVOKESTATIC, "java/net/http/HttpClient", "newHttpClient", null, Record.RESULT),
            new SiteCall(Opcodes.INVOKEINTERFACE, "java/net/http/HttpClient$Builder", "build", null,
                    Record.RESULT));

    /** The owners worth parsing a class for; a class that names none of them is loaded untouched. */
    static final Set<String> OWNERS = ALL.stream().map(SiteCall::owner).filter(owner -> !owner.equals(ANY_OWNER))
            .collect(Collectors.toUnmodifiableSet());

    /** The classes whose instances are recorded where they are constructed. */
    static final Set<String> CONSTRUCTED = ALL.stream().filter(SiteCall::constructor).map(SiteCall::owner)
            .collect(Collectors.toUnmodifiableSet());

    static boolean constructed(String type) {
        return CONSTRUCTED.contains(type);
    }

    boolean constructor() {
        return record == Record.CONSTRUCTED || record == Record.TIMER;
    }

    /**
     * The calls by name, a prefix with its {@code *}. Looking a call up runs while the JIT has not compiled it yet,
     * once per reference a class makes to a method of the table's names, and a map lookup is already compiled code.
     */
    private static final Map<String, List<SiteCall>> BY_NAME = ALL.stream()
            .collect(Collectors.groupingBy(SiteCall::name));
    private static final List<String> PREFIXES = BY_NAME.keySet().stream().filter(name -> name.endsWith("*"))
            .toList();

    /** True when a method of this name can be a call of the table; most names a class calls cannot. */
    static boolean isCallName(String name) {
        if (BY_NAME.containsKey(name)) {
            return true;
        }
        for (String prefix : PREFIXES) {
            if (name.regionMatches(0, prefix, 0, prefix.length() - 1)) {
                return true;
            }
        }
        return false;
    }

    static SiteCall find(int opcode, String owner, String name, String descriptor) {
        SiteCall call = find(BY_NAME.get(name), opcode, owner, name, descriptor);
        for (int i = 0; call == null && i < PREFIXES.size(); i++) {
            String prefix = PREFIXES.get(i);
            if (name.regionMatches(0, prefix, 0, prefix.length() - 1)) {
                call = find(BY_NAME.get(prefix), opcode, owner, name, descriptor);
            }
        }
        return call;
    }

    private static SiteCall find(List<SiteCall> named, int opcode, String owner, String name, String descriptor) {
        if (named != null) {
            for (SiteCall call : named) {
                if (call.matches(opcode, owner, name, descriptor)) {
                    return call;
                }
            }
        }
        return null;
    }

    private boolean matches(int opcode, String owner, String name, String descriptor) {
        return this.opcode == opcode && (this.owner.equals(ANY_OWNER) || this.owner.equals(owner))
                && (this.name.endsWith("*") ? name.startsWith(this.name.substring(0, this.name.length() - 1))
                        : this.name.equals(name))
                && (this.descriptor == null || this.descriptor.equals(descriptor))
                && (record != Record.RESULT || descriptor.endsWith(";"));
    }

    /** The stand-in's descriptor: the receiver, if any, then the original arguments, then the site. */
    String standInDescriptor() {
        int close = descriptor.indexOf(')');
        // Built by hand, as CreationSites.site says why.
        StringBuilder standIn = new StringBuilder(descriptor.length() + owner.length() + 20).append('(');
        if (opcode != Opcodes.INVOKESTATIC) {
            standIn.append('L').append(owner).append(';');
        }
        return standIn.append(descriptor, 1, close).append("Ljava/lang/String;").append(descriptor, close,
                descriptor.length()).toString();
    }
}
