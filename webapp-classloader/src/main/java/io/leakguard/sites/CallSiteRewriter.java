package io.leakguard.sites;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.IntFunction;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Rewrites one method's {@link SiteCall}s so that each records its site. A constructed object is recorded only when
 * its {@code new} is followed at once by {@code dup}, as every Java compiler writes it: only then is a reference to the
 * initialised object sure to be left on the stack for the recorder. In a constructor of a direct subclass of a
 * constructed type, the {@code super(...)} call records {@code this}, read from local 0 unless the method ever stores
 * into it (no Java compiler does; another language's might).
 */
final class CallSiteRewriter extends MethodVisitor {

    private static final String RECORDER = "io/leakguard/sites/CreationSites";
    private static final String CALLS = "io/leakguard/sites/Calls";
    /** The most instrumentation adds to a method's operand stack: two copied values and the site. */
    private static final int EXTRA_STACK = 3;

    private record Construction(String type, boolean duplicated) {
    }

    private final IntFunction<String> siteOfLine;
    private final Runnable onChange;
    /** The superclass whose {@code super(...)} call this method makes, when it is a constructor; else null. */
    private final String superclass;
    private boolean thisReplaced;
    /** The {@code new} instructions of recorded types whose constructor has not run yet, innermost first. */
    private final Deque<Construction> constructions = new ArrayDeque<>();
    private boolean newJustVisited;
    private int line;
    private boolean rewritten;

    CallSiteRewriter(MethodVisitor next, String superclass, IntFunction<String> siteOfLine, Runnable onChange) {
        super(Opcodes.ASM9, next);
        this.superclass = superclass;
        this.siteOfLine = siteOfLine;
        this.onChange = onChange;
    }

    @Override
    public void visitLineNumber(int line, Label start) {
        this.line = line;
        super.visitLineNumber(line, start);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
        instruction();
        if (opcode == Opcodes.NEW && SiteCall.constructed(type)) {
            constructions.push(new Construction(type, false));
            newJustVisited = true;
        }
        super.visitTypeInsn(opcode, type);
    }

    @Override
    public void visitInsn(int opcode) {
        if (newJustVisited && opcode == Opcodes.DUP) {
            constructions.push(new Construction(constructions.pop().type(), true));
        }
        instruction();
        super.visitInsn(opcode);
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        instruction();
        SiteCall call = SiteCall.find(opcode, owner, name, descriptor);
        if (call == null) {
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            return;
        }
        boolean superCall = call.constructor() && owner.equals(superclass) && !pending(owner);
        if (call.constructor() && !constructed(owner)) {
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            if (superCall && !thisReplaced) {
                changed();
                super.visitVarInsn(Opcodes.ALOAD, 0);
                recordCopied(call.record() == SiteCall.Record.TIMER ? "recordTimer" : "record",
                        siteOfLine.apply(line), "(Ljava/lang/Object;Ljava/lang/String;)V");
            }
            return;
        }
        changed();
        String site = siteOfLine.apply(line);
        switch (call.record()) {
            case THREAD_RECEIVER -> {
                record(Opcodes.DUP, "recordThread", site);
                super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            }
            case LAST_ARGUMENT -> {
                record(Opcodes.DUP, "record", site);
                super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            }
            case RECEIVER_AND_ARGUMENT -> {
                record(Opcodes.DUP2, "record", site);
                super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            }
            case RESULT, CONSTRUCTED -> {
                super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
                record(Opcodes.DUP, "record", site);
            }
            case TIMER -> {
                super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
                record(Opcodes.DUP, "recordTimer", site);
            }
            case STAND_IN -> {
                super.visitLdcInsn(site);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, CALLS, name, call.standInDescriptor(), false);
            }
        }
    }

    private void changed() {
        rewritten = true;
        onChange.run();
    }

    /**
     * True when this constructor call initialises the innermost pending {@code new} of its type and that one was
     * duplicated, which it takes off the pending ones; a {@code super(...)} call from a subclass constructor has no
     * {@code new} of its own.
     */
    private boolean constructed(String owner) {
        return pending(owner) && constructions.pop().duplicated();
    }

    private boolean pending(String owner) {
        return !constructions.isEmpty() && constructions.peek().type().equals(owner);
    }

    private void record(int copy, String recorder, String site) {
        super.visitInsn(copy);
        recordCopied(recorder, site, copy == Opcodes.DUP2
                ? "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/String;)V"
                : "(Ljava/lang/Object;Ljava/lang/String;)V");
    }

    private void recordCopied(String recorder, String site, String descriptor) {
        super.visitLdcInsn(site);
        super.visitMethodInsn(Opcodes.INVOKESTATIC, RECORDER, recorder, descriptor, false);
    }

    /** Any instruction ends the window in which a {@code dup} counts as part of a {@code new}. */
    private void instruction() {
        newJustVisited = false;
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
        instruction();
        super.visitIntInsn(opcode, operand);
    }

    @Override
    public void visitVarInsn(int opcode, int varIndex) {
        instruction();
        thisReplaced |= varIndex == 0 && opcode >= Opcodes.ISTORE && opcode <= Opcodes.ASTORE;
        super.visitVarInsn(opcode, varIndex);
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
        instruction();
        super.visitFieldInsn(opcode, owner, name, descriptor);
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
        instruction();
        super.visitInvokeDynamicInsn(name, descriptor, bootstrap, arguments);
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
        instruction();
        super.visitJumpInsn(opcode, label);
    }

    @Override
    public void visitLdcInsn(Object value) {
        instruction();
        super.visitLdcInsn(value);
    }

    @Override
    public void visitIincInsn(int varIndex, int increment) {
        instruction();
        super.visitIincInsn(varIndex, increment);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label fallback, Label... labels) {
        instruction();
        super.visitTableSwitchInsn(min, max, fallback, labels);
    }

    @Override
    public void visitLookupSwitchInsn(Label fallback, int[] keys, Label[] labels) {
        instruction();
        super.visitLookupSwitchInsn(fallback, keys, labels);
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
        instruction();
        super.visitMultiANewArrayInsn(descriptor, dimensions);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        super.visitMaxs(rewritten ? maxStack + EXTRA_STACK : maxStack, maxLocals);
    }
}
