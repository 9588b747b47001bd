package io.leakguard.sites;

/** How long each JVM instruction is, to step through a method's code without decoding it. */
final class Instructions {

    private static final int TABLESWITCH = 0xAA;
    private static final int LOOKUPSWITCH = 0xAB;
    private static final int WIDE = 0xC4;
    private static final int IINC = 0x84;
    private static final int RET = 0xA9;
    /** By opcode: the instruction's length, or 0 for one that is not an instruction of the format. */
    private static final byte[] LENGTHS = new byte[256];

    static {
        set(1, 0x00, 0x0F);
        set(2, 0x10, 0x10);
        set(3, 0x11, 0x11);
        set(2, 0x12, 0x12);
        set(3, 0x13, 0x14);
        set(2, 0x15, 0x19);
        set(1, 0x1A, 0x35);
        set(2, 0x36, 0x3A);
        set(1, 0x3B, 0x83);
        set(3, IINC, IINC);
        set(1, 0x85, 0x98);
        set(3, 0x99, 0xA8);
        set(2, 0xA9, 0xA9);
        set(1, 0xAC, 0xB1);
        set(3, 0xB2, 0xB8);
        set(5, 0xB9, 0xBA);
        set(3, 0xBB, 0xBB);
        set(2, 0xBC, 0xBC);
        set(3, 0xBD, 0xBD);
        set(1, 0xBE, 0xBF);
        set(3, 0xC0, 0xC1);
        set(1, 0xC2, 0xC3);
        set(4, 0xC5, 0xC5);
        set(3, 0xC6, 0xC7);
        set(5, 0xC8, 0xC9);
    }

    private Instructions() {
    }

    /**
     * The length of the instruction at {@code pc}, in code starting at {@code codeStart}; switches pad from there.
     * Takes the class file's bytes, not its {@link ClassBytes}: called for every instruction of a method that makes a
     * recorded call, while the patcher still runs interpreted, a call more per instruction would double its cost.
     */
    static int length(byte[] code, int pc, int codeStart) {
        int opcode = code[pc] & 0xFF;
        switch (opcode) {
            case TABLESWITCH -> {
                int at = padded(pc, codeStart);
                return at - pc + 12 + 4 * (s4(code, at + 8) - s4(code, at + 4) + 1);
            }
            case LOOKUPSWITCH -> {
                int at = padded(pc, codeStart);
                return at - pc + 8 + 8 * s4(code, at + 4);
            }
            case WIDE -> {
                return (code[pc + 1] & 0xFF) == IINC ? 6 : 4;
            }
            default -> {
                int length = LENGTHS[opcode];
                if (length == 0) {
                    throw new IllegalArgumentException("opcode " + opcode + " at " + (pc - codeStart));
                }
                return length;
            }
        }
    }

    /**
     * True for an instruction that can go elsewhere than to the next: a jump, a switch, a subroutine call or return.
     */
    static boolean branches(ClassBytes bytes, int pc) {
        int opcode = bytes.u1(pc);
        return opcode >= 0x99 && opcode <= LOOKUPSWITCH || opcode >= 0xC6 && opcode <= 0xC9
                || opcode == WIDE && bytes.u1(pc + 1) == RET;
    }

    private static int s4(byte[] code, int at) {
        return code[at] << 24 | (code[at + 1] & 0xFF) << 16 | (code[at + 2] & 0xFF) << 8 | code[at + 3] & 0xFF;
    }

    /** Where a switch's operands start: after its opcode, at the next multiple of four from the code's start. */
    private static int padded(int pc, int codeStart) {
        return codeStart + ((pc - codeStart + 4) & ~3);
    }

    private static void set(int length, int from, int to) {
        for (int opcode = from; opcode <= to; opcode++) {
            LENGTHS[opcode] = (byte) length;
        }
    }
}
