package io.leakguard.sites;

import java.util.BitSet;

/** A method's StackMapTable, read for the one thing patching a construction in place must know. */
final class StackMapFrames {

    private static final int SAME_LOCALS_1_STACK_ITEM = 64;
    private static final int RESERVED = 128;
    private static final int SAME_LOCALS_1_STACK_ITEM_EXTENDED = 247;
    private static final int CHOP = 248;
    private static final int SAME_FRAME_EXTENDED = 251;
    private static final int FULL_FRAME = 255;
    private static final int ITEM_OBJECT = 7;
    private static final int ITEM_UNINITIALIZED = 8;

    private StackMapFrames() {
    }

    /**
     * True when a frame of the table at {@code table} names, as not yet initialised, the object of a {@code new} at
     * one of the code offsets in {@code news}; also for a frame type this reader does not know.
     */
    static boolean holdUninitialized(ClassBytes bytes, int table, BitSet news) {
        int at = table + 2;
        for (int frame = 0, frames = bytes.u2(table); frame < frames; frame++) {
            int type = bytes.u1(at++);
            int items;
            if (type < SAME_LOCALS_1_STACK_ITEM) {
                items = 0;
            } else if (type < RESERVED) {
                items = 1;
            } else if (type == SAME_LOCALS_1_STACK_ITEM_EXTENDED) {
                at += 2;
                items = 1;
            } else if (type >= CHOP && type <= SAME_FRAME_EXTENDED) {
                at += 2;
                items = 0;
            } else if (type > SAME_FRAME_EXTENDED && type < FULL_FRAME) {
                at += 2;
                items = type - SAME_FRAME_EXTENDED;
            } else if (type == FULL_FRAME) {
                at += 2;
                // Locals, then stack: each a count and its items.
                for (int list = 0; list < 2; list++) {
                    int count = bytes.u2(at);
                    at += 2;
                    for (int item = 0; item < count; item++) {
                        if (uninitialized(bytes, at, news)) {
                            return true;
                        }
                        at = next(bytes, at);
                    }
                }
                continue;
            } else {
                return true;
            }
            for (int item = 0; item < items; item++) {
                if (uninitialized(bytes, at, news)) {
                    return true;
                }
                at = next(bytes, at);
            }
        }
        return false;
    }

    private static boolean uninitialized(ClassBytes bytes, int at, BitSet news) {
        return bytes.u1(at) == ITEM_UNINITIALIZED && news.get(bytes.u2(at + 1));
    }

    /** Where the verification type after the one at {@code at} starts. */
    private static int next(ClassBytes bytes, int at) {
        int tag = bytes.u1(at);
        return tag == ITEM_OBJECT || tag == ITEM_UNINITIALIZED ? at + 3 : at + 1;
    }
}
