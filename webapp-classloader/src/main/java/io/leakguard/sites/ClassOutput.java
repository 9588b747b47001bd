package io.leakguard.sites;

import java.util.Arrays;

/**
 * Class file bytes being written. Patching runs while the JIT has not yet compiled it, a few times per application,
 * so each write is one plain call: a {@code DataOutputStream} over a {@code ByteArrayOutputStream} costs three calls
 * and a lock per short.
 */
final class ClassOutput {

    private byte[] bytes;
    private int size;

    ClassOutput(int capacity) {
        bytes = new byte[capacity];
    }

    int size() {
        return size;
    }

    void u1(int value) {
        room(1);
        bytes[size++] = (byte) value;
    }

    void u2(int value) {
        room(2);
        bytes[size++] = (byte) (value >> 8);
        bytes[size++] = (byte) value;
    }

    void u4(int value) {
        u2(value >>> 16);
        u2(value);
    }

    void write(byte[] from, int at, int length) {
        room(length);
        System.arraycopy(from, at, bytes, size, length);
        size += length;
    }

    void write(ClassOutput other) {
        write(other.bytes, 0, other.size);
    }

    byte[] toByteArray() {
        return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
    }

    private void room(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, size + more));
        }
    }
}
