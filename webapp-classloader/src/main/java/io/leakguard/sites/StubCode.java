package io.leakguard.sites;

import java.util.ArrayList;
import java.util.List;

/**
 * The code of one {@link SiteStubs} stub: straight-line, without a branch or a local of its own, so it needs no stack
 * map frame, and at most three values above its parameters on the stack.
 */
final class StubCode {

    private static final int EXTRA_STACK = 3;
    private static final int ILOAD = 0x15;
    private static final int LLOAD = 0x16;
    private static final int FLOAD = 0x17;
    private static final int DLOAD = 0x18;
    private static final int ALOAD = 0x19;
    private static final int LDC_W = 0x13;
    private static final int DUP = 0x59;
    private static final int NEW = 0xBB;
    private static final int INVOKESTATIC = 0xB8;
    private static final int INVOKEINTERFACE = 0xB9;

    private final ClassOutput code = new ClassOutput(32);
    /** The load instruction of each parameter, and the slot it is in. */
    private final List<int[]> parameters = new ArrayList<>();
    private final int slots;
    private final int returns;

    StubCode(String descriptor) {
        int slot = 0;
        int at = 1;
        while (descriptor.charAt(at) != ')') {
            char type = descriptor.charAt(at);
            int end = typeEnd(descriptor, at);
            parameters.add(new int[] {load(type), slot});
            slot += type == 'J' || type == 'D' ? 2 : 1;
            at = end;
        }
        slots = slot;
        returns = returnInstruction(descriptor.charAt(at + 1));
    }

    int parameters() {
        return parameters.size();
    }

    StubCode load(int parameter) {
        int[] load = parameters.get(parameter);
        code.u1(load[0]);
        code.u1(load[1]);
        return this;
    }

    StubCode loadAll() {
        for (int i = 0; i < parameters.size(); i++) {
            load(i);
        }
        return this;
    }

    /** Records the values on the stack at the site, through the recorder taking them and the site's text. */
    StubCode record(int site, int recorder) {
        return constant(site).invoke(INVOKESTATIC, recorder);
    }

    StubCode constant(int index) {
        return instruction(LDC_W, index);
    }

    StubCode dup() {
        code.u1(DUP);
        return this;
    }

    /** A new, uninitialised object of the class constant {@code type}, twice: one for its constructor. */
    StubCode make(int type) {
        return instruction(NEW, type).dup();
    }

    StubCode invoke(int opcode, int method) {
        instruction(opcode, method);
        if (opcode == INVOKEINTERFACE) {
            // The stub's parameters are the receiver and the arguments: the count the instruction wants.
            code.u1(slots);
            code.u1(0);
        }
        return this;
    }

    StubCode returns() {
        code.u1(returns);
        return this;
    }

    /** Writes the method's attribute count and Code attribute, with a line number table when the line is known. */
    void writeMethodBody(ClassOutput out, int codeName, int lineNumbersName, int line) {
        boolean lines = lineNumbersName != 0;
        out.u2(1);
        out.u2(codeName);
        out.u4(12 + code.size() + (lines ? 12 : 0));
        out.u2(slots + EXTRA_STACK);
        out.u2(slots);
        out.u4(code.size());
        out.write(code);
        out.u2(0);
        out.u2(lines ? 1 : 0);
        if (lines) {
            out.u2(lineNumbersName);
            out.u4(6);
            out.u2(1);
            out.u2(0);
            out.u2(line);
        }
    }

    private StubCode instruction(int opcode, int index) {
        code.u1(opcode);
        code.u1(index >> 8);
        code.u1(index);
        return this;
    }

    private static int typeEnd(String descriptor, int at) {
        while (descriptor.charAt(at) == '[') {
            at++;
        }
        return descriptor.charAt(at) == 'L' ? descriptor.indexOf(';', at) + 1 : at + 1;
    }

    private static int load(char type) {
        return switch (type) {
            case 'J' -> LLOAD;
            case 'F' -> FLOAD;
            case 'D' -> DLOAD;
            case 'L', '[' -> ALOAD;
            default -> ILOAD;
        };
    }

    /** ireturn, lreturn, freturn, dreturn, areturn, return. */
    private static int returnInstruction(char type) {
        return switch (type) {
            case 'V' -> 0xB1;
            case 'J' -> 0xAD;
            case 'F' -> 0xAE;
            case 'D' -> 0xAF;
            case 'L', '[' -> 0xB0;
            default -> 0xAC;
        };
    }
}
