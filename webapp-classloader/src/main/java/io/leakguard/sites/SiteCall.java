package io.leakguard.sites;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.objectweb.asm.Opcodes;

/**
 * A JDK call that creates or registers something leakguard reports, and how an instrumented call site records it.
 * Calls are recognised on the JDK type itself, except {@code start()}: a thread is often started through its own
 * subclass ({@code myThread.start()}), which cannot be told from any other {@code start()} without loading classes
 * mid-transform, so every {@code start()} call site asks its receiver, at run time, whether it is a Thread.
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
        /** An argument under a wide one: the call is replaced by its stand-in in {@link Calls}. */
        STAND_IN
    }

    static final String ANY_OWNER = "*";

    static final List<SiteCall> ALL = List.of(
            new SiteCall(Opcodes.INVOKEVIRTUAL, ANY_OWNER, "start", "()V", Record.THREAD_RECEIVER),
            new SiteCall(Opcodes.INVOKEVIRTUAL, "java/lang/Runtime", "addShutdownHook", "(Ljava/lang/Thread;)V",
                    Record.LAST_ARGUMENT),
            new SiteCall(Opcodes.INVOKESTATIC, "java/sql/DriverManager", "registerDriver", "(Ljava/sql/Driver;)V",
                    Record.LAST_ARGUMENT),
            new SiteCall(Opcodes.INVOKESTATIC, "java/sql/DriverManager", "registerDriver",
                    "(Ljava/sql/Driver;Ljava/sql/DriverAction;)V", Record.STAND_IN),
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
            new SiteCall(Opcodes.INVOKESTATIC, "java/lang/ThreadLocal", "withInitial", null, Record.RESULT),
            // The entry it makes is the leak: its key and its value, whichever of them reaches the application.
            new SiteCall(Opcodes.INVOKEVIRTUAL, "java/lang/ThreadLocal", "set", "(Ljava/lang/Object;)V",
                    Record.RECEIVER_AND_ARGUMENT));

    /** The owners worth parsing a class for; a class that names none of them is loaded untouched. */
    static final Set<String> OWNERS = ALL.stream().map(SiteCall::owner).filter(owner -> !owner.equals(ANY_OWNER))
            .collect(Collectors.toUnmodifiableSet());

    /** True for a class whose instances are recorded where they are constructed. */
    static boolean constructed(String type) {
        return ALL.stream().anyMatch(call -> call.record == Record.CONSTRUCTED && call.owner.equals(type));
    }

    static SiteCall find(int opcode, String owner, String name, String descriptor) {
        for (SiteCall call : ALL) {
            if (call.matches(opcode, owner, name, descriptor)) {
                return call;
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
        String receiver = opcode == Opcodes.INVOKESTATIC ? "" : "L" + owner + ";";
        return "(" + receiver + descriptor.substring(1, close) + "Ljava/lang/String;" + descriptor.substring(close);
    }
}
