package io.leakguard.sites;

import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.Opcodes;

class SiteCallTest {

    /**
     * {@link CallScan} keeps one call per method reference, which holds while no two calls differ only by an invoke
     * instruction that can use the same kind of reference (a class's method, or an interface's).
     */
    @Test
    void noMethodReferenceCanBeTwoCallsOfTheTable() {
        for (SiteCall one : SiteCall.ALL) {
            for (SiteCall other : SiteCall.ALL) {
                assertFalse(one.opcode() != other.opcode() && sameReferenceKind(one.opcode(), other.opcode())
                        && overlap(one.owner(), other.owner())
                        && namesOverlap(one.name(), other.name())
                        && (one.descriptor() == null || other.descriptor() == null
                                || one.descriptor().equals(other.descriptor())), one + " and " + other);
            }
        }
    }

    private static boolean sameReferenceKind(int opcode, int other) {
        return opcode != Opcodes.INVOKEINTERFACE && other != Opcodes.INVOKEINTERFACE
                || isInterfaceInvoke(opcode) && isInterfaceInvoke(other);
    }

    private static boolean isInterfaceInvoke(int opcode) {
        return opcode == Opcodes.INVOKEINTERFACE || opcode == Opcodes.INVOKESTATIC;
    }

    private static boolean overlap(String owner, String other) {
        return owner.equals(SiteCall.ANY_OWNER) || other.equals(SiteCall.ANY_OWNER) || owner.equals(other);
    }

    private static boolean namesOverlap(String one, String other) {
        String stem = stem(one);
        String otherStem = stem(other);
        if (one.endsWith("*") && other.endsWith("*")) {
            return stem.startsWith(otherStem) || otherStem.startsWith(stem);
        }
        if (one.endsWith("*") || other.endsWith("*")) {
            return one.endsWith("*") ? otherStem.startsWith(stem) : stem.startsWith(otherStem);
        }
        return one.equals(other);
    }

    private static String stem(String name) {
        return name.endsWith("*") ? name.substring(0, name.length() - 1) : name;
    }
}
