package io.leakguard.findleaks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Random access to an HPROF file through memory-mapped windows, so that even a dump of several gigabytes is read
 * without copying it onto the heap of the server being analysed. Windows overlap by more than any value read at once,
 * so a read never straddles two of them.
 */
final class HprofFile implements AutoCloseable {

    private static final String MAGIC = "JAVA PROFILE 1.0.2";
    private static final long WINDOW = 1L << 30;
    private static final int OVERLAP = 1 << 16;

    private final FileChannel channel;
    private final MappedByteBuffer[] windows;
    final long size;
    final int idSize;
    /** Where the first record starts, after the header. */
    final long firstRecord;

    HprofFile(Path file) throws IOException {
        channel = FileChannel.open(file, StandardOpenOption.READ);
        size = channel.size();
        windows = new MappedByteBuffer[(int) ((size + WINDOW - 1) / WINDOW)];
        for (int i = 0; i < windows.length; i++) {
            long start = i * WINDOW;
            windows[i] = channel.map(FileChannel.MapMode.READ_ONLY, start, Math.min(WINDOW + OVERLAP, size - start));
        }
        int headerEnd = MAGIC.length();
        if (size < headerEnd + 13 || !MAGIC.equals(string(0, headerEnd))) {
            throw new IOException(file + " is not an HPROF 1.0.2 heap dump");
        }
        idSize = u4(headerEnd + 1);
        if (idSize != 4 && idSize != 8) {
            throw new IOException(file + " has identifiers of " + idSize + " bytes");
        }
        firstRecord = headerEnd + 1 + 4 + 8;
    }

    int u1(long position) {
        return window(position).get(local(position)) & 0xFF;
    }

    int u2(long position) {
        return window(position).getShort(local(position)) & 0xFFFF;
    }

    int u4(long position) {
        return window(position).getInt(local(position));
    }

    long u8(long position) {
        return window(position).getLong(local(position));
    }

    long id(long position) {
        return idSize == 8 ? u8(position) : u4(position) & 0xFFFFFFFFL;
    }

    String string(long position, int length) {
        byte[] bytes = new byte[length];
        window(position).get(local(position), bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    byte[] bytes(long position, int length) {
        byte[] bytes = new byte[length];
        ByteBuffer window = window(position);
        int local = local(position);
        if (local + length <= window.limit()) {
            window.get(local, bytes);
        } else {
            for (int i = 0; i < length; i++) {
                bytes[i] = (byte) u1(position + i);
            }
        }
        return bytes;
    }

    /** Bytes a value of an HPROF basic type takes. */
    int sizeOf(int type) {
        return switch (type) {
            case 2 -> idSize;
            case 4, 8 -> 1;
            case 5, 9 -> 2;
            case 6, 10 -> 4;
            case 7, 11 -> 8;
            default -> throw new IllegalStateException("unknown HPROF basic type " + type);
        };
    }

    private ByteBuffer window(long position) {
        return windows[(int) (position / WINDOW)];
    }

    private static int local(long position) {
        return (int) (position % WINDOW);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
