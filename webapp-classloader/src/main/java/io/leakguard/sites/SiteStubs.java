package io.leakguard.sites;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import org.objectweb.asm.Opcodes;

/**
 * Records call sites without moving a byte of the calling methods. Each recorded call instruction is overwritten in
 * place by a call of the same length to a stub, a private static synthetic method added to the class, which records
 * the site and makes the original call. No offset moves, so branches, switches, exception ranges, line numbers and
 * stack map frames stay valid as they are, and the class is copied and patched instead of parsed and re-encoded: ASM
 * re-encoding the classes that make recorded calls, an application's largest, was half of what instrumentation cost
 * class loading. A stub sits in the calling class, so it has the caller's access, and a caller-sensitive JDK method
 * sees the same caller class; it is private, so a serializable class keeps its default serialVersionUID, which counts
 * only the other methods; its line number table gives the caller's line, so an exception's stack trace reads sensibly
 * with one frame more.
 *
 * <p>A construction {@code new T; dup; <arguments>; invokespecial T.<init>} becomes
 * {@code nop nop nop nop; <arguments>; invokestatic stub}, the stub making the object: the stack then holds the same
 * at every instruction but for the two uninitialised copies, which only a stack map frame between the two could name.
 *
 * <p>The constructor of a subclass of a recorded type records {@code this} once its {@code super(...)} call returns,
 * which no stub can do: an uninitialised {@code this} cannot be passed to a method. There the three instructions are
 * inserted after the call, which is simple where nothing else has an offset to move: a constructor without a branch,
 * an exception range or a frame, as nearly all such constructors are ({@code super(); this.x = x;}).
 *
 * <p>What cannot be done so is left to {@link SiteTransformer}'s ASM rewrite: a construction whose arguments branch
 * (a stack map frame then holds the uninitialised object), a subclass constructor that branches, an interface, a class
 * file older than version 50 that constructs a recorded type, and a {@code start()} whose owner the stub's parameter
 * type could make fail verification (see {@link #compiledByJavac}).
 */
final class SiteStubs {

    /** The stubs' names start so; {@link CreationSites} leaves their frames out of a recorded stack. */
    static final String PREFIX = "leakguard$site$";

    private static final int ACC_INTERFACE = 0x0200;
    private static final int STUB_ACCESS = Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC;
    private static final int MAX_COUNT = 0xFFFF;
    private static final int FIRST_WITH_FRAMES = Opcodes.V1_6;
    private static final int NOP = 0x00;
    private static final int DUP = 0x59;
    private static final int NEW = 0xBB;
    private static final int INVOKEVIRTUAL = 0xB6;
    private static final int INVOKESPECIAL = 0xB7;
    private static final int INVOKESTATIC = 0xB8;
    private static final int INVOKEINTERFACE = 0xB9;
    private static final byte[] CODE = ClassBytes.ascii("Code");
    private static final List<byte[]> CONSTRUCTED = SiteCall.CONSTRUCTED.stream().map(ClassBytes::ascii).toList();
    private static final byte[] LINE_NUMBERS = ClassBytes.ascii("LineNumberTable");
    private static final byte[] STACK_MAP = ClassBytes.ascii("StackMapTable");
    private static final byte[] SOURCE_FILE = ClassBytes.ascii("SourceFile");
    private static final byte[] LOCAL_VARIABLES = ClassBytes.ascii("LocalVariableTable");
    private static final byte[] LOCAL_VARIABLE_TYPES = ClassBytes.ascii("LocalVariableTypeTable");
    private static final int ALOAD_0 = 0x2A;
    private static final int ASTORE = 0x3A;
    private static final int ASTORE_0 = 0x4B;
    private static final int WIDE = 0xC4;
    private static final int LDC_W = 0x13;
    private static final int MAX_CODE_LENGTH = 0xFFFF;
    /** aload_0, ldc_w site, invokestatic recorder: what recording this after super(...) adds. */
    private static final int RECORD_THIS_LENGTH = 7;
    /** Recording this after super(...) needs two more values on the stack than the constructor had at that point. */
    private static final int RECORD_THIS_STACK = 2;
    private static final String RECORDER = "io/leakguard/sites/CreationSites";
    private static final String CALLS = "io/leakguard/sites/Calls";
    private static final String ONE = "(Ljava/lang/Object;Ljava/lang/String;)V";
    private static final int RECORD_KINDS = SiteCall.Record.values().length;
    private static final String TWO = "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/String;)V";

    /**
     * One recorded call: {@code at} is where its invoke instruction starts in the class file, {@code newAt} where the
     * {@code new} of a construction starts, or -1.
     */
    private record Site(SiteCall call, int opcode, int at, int newAt, int reference, String method, int line) {
    }

    private record Construction(int typeIndex, int at, boolean duplicated) {
    }

    /**
     * A {@code super(...)} call of a subclass of a recorded type, in a constructor without branches: the recording of
     * {@code this} is inserted right after it, at {@code at}, in the Code attribute starting at {@code code}.
     */
    private record SuperCall(SiteCall call, int code, int at, int line) {
    }

    private final ClassBytes bytes;
    private final CallScan scan;
    private final List<Site> sites = new ArrayList<>();
    private final List<SuperCall> superCalls = new ArrayList<>();
    /** The index of the class's own Class constant, which its stubs' references name. */
    private int thisClass;
    private String className;
    /** The class's name as a stack trace spells it. */
    private String javaName;
    private String superclass;
    private String sourceFile;
    private int methodsCountAt;
    private int methodsEnd;
    /** The index of the Utf8 constant "Code", which every class with a method body has. */
    private int codeName;
    /** The recorders' method references, by the kind of record they make, once made; 0 before. */
    private final int[] recorders = new int[RECORD_KINDS];
    private boolean inPlace = true;
    private boolean foreignStart;

    /** Finds the recorded calls of the {@code calling} methods, and whether all of them can be patched in place. */
    SiteStubs(CallScan scan, BitSet calling) {
        this.scan = scan;
        bytes = scan.bytes();
        int at = bytes.poolEnd();
        if ((bytes.u2(at) & ACC_INTERFACE) != 0) {
            inPlace = false;
            return;
        }
        thisClass = bytes.u2(at + 2);
        className = bytes.name(bytes.reference(thisClass, 0));
        javaName = className.replace('/', '.');
        int superIndex = bytes.u2(at + 4);
        superclass = superIndex == 0 ? null : bytes.name(bytes.reference(superIndex, 0));
        at += 6;
        at += 2 + 2 * bytes.u2(at);
        int fields = bytes.u2(at);
        at += 2;
        for (int i = 0; i < fields; i++) {
            at = bytes.skipAttributes(at + 6);
        }
        methodsCountAt = at;
        int methods = bytes.u2(at);
        at += 2;
        for (int method = 0; method < methods && inPlace; method++) {
            String name = calling.get(method) ? bytes.name(bytes.u2(at + 2)) : null;
            int attributes = bytes.u2(at + 6);
            at += 8;
            for (int i = 0; i < attributes; i++) {
                if (name != null && bytes.textEquals(bytes.u2(at), CODE)) {
                    codeName = bytes.u2(at);
                    readCode(name, at);
                }
                at += 6 + bytes.u4(at + 2);
            }
        }
        methodsEnd = at;
        int attributes = inPlace ? bytes.u2(at) : 0;
        at += 2;
        for (int i = 0; i < attributes; i++) {
            if (bytes.textEquals(bytes.u2(at), SOURCE_FILE)) {
                sourceFile = bytes.name(bytes.u2(at + 6));
            }
            at += 6 + bytes.u4(at + 2);
        }
        inPlace &= !foreignStart || compiledByJavac();
    }

    /**
     * A stub of a {@code start()} call takes its receiver typed as the method reference's owner. The verifier checks a
     * protected method declared in a superclass in another package against the receiver's type, which must then be
     * the calling class. javac names the receiver's static type as the owner, so that holds for the code it compiles;
     * another compiler may name the declaring superclass instead, and the class would fail to load. The source file's
     * name is the one sign of the compiler a class carries; other classes' such calls are left to ASM, which keeps the
     * receiver where it was.
     */
    private boolean compiledByJavac() {
        return sourceFile != null && sourceFile.endsWith(".java");
    }

    /** False when some recorded call of the class must be rewritten by ASM instead. */
    boolean inPlace() {
        return inPlace;
    }

    /** The class with every recorded call going through its stub, or null when no call is recorded after all. */
    byte[] patched() {
        if (sites.isEmpty() && superCalls.isEmpty()) {
            return null;
        }
        byte[] original = bytes.code();
        byte[] code = original.clone();
        AddedConstants pool = new AddedConstants(bytes.poolCount(), codeName);
        ClassOutput stubs = new ClassOutput(64 * sites.size());
        List<byte[]> recordings = new ArrayList<>();
        for (int i = 0; i < sites.size(); i++) {
            Site site = sites.get(i);
            String descriptor = stubDescriptor(site);
            int name = pool.newUtf8(PREFIX.concat(Integer.toString(i)));
            int type = pool.utf8(descriptor);
            redirect(code, site, pool.newMethodRef(thisClass, name, type));
            writeStub(stubs, pool, site, name, type, descriptor);
        }
        for (SuperCall call : superCalls) {
            recordings.add(recordThis(pool, call));
        }
        int methods = bytes.u2(methodsCountAt) + sites.size();
        if (pool.count() > MAX_COUNT || methods > MAX_COUNT) {
            return null;
        }
        ClassOutput patched = new ClassOutput(original.length + pool.size() + stubs.size()
                + RECORD_THIS_LENGTH * superCalls.size());
        patched.write(code, 0, 8);
        patched.u2(pool.count());
        patched.write(code, 10, bytes.poolEnd() - 10);
        pool.writeTo(patched);
        patched.write(code, bytes.poolEnd(), methodsCountAt - bytes.poolEnd());
        patched.u2(methods);
        int copied = methodsCountAt + 2;
        for (int i = 0; i < superCalls.size(); i++) {
            SuperCall call = superCalls.get(i);
            patched.write(code, copied, call.code() - copied);
            copied = writeGrownCode(patched, code, call, recordings.get(i));
        }
        patched.write(code, copied, methodsEnd - copied);
        patched.write(stubs);
        patched.write(code, methodsEnd, code.length - methodsEnd);
        return patched.toByteArray();
    }

    /** {@code aload_0; ldc_w site; invokestatic recorder}: this, recorded where super(...) made it. */
    private byte[] recordThis(AddedConstants pool, SuperCall call) {
        int site = pool.newString(site("<init>", call.line()));
        int recorder = recorder(pool, call.call());
        return new byte[] {(byte) ALOAD_0, (byte) LDC_W, (byte) (site >> 8), (byte) site, (byte) INVOKESTATIC,
                (byte) (recorder >> 8), (byte) recorder};
    }

    /**
     * Writes the Code attribute of {@code call}'s constructor with {@code inserted} after the super(...) call, every
     * line number and local variable range after it moved on, and returns where the original attribute ends.
     */
    private int writeGrownCode(ClassOutput out, byte[] code, SuperCall call, byte[] inserted) {
        int grown = inserted.length;
        int at = call.code();
        int codeStart = at + 14;
        int codeLength = bytes.u4(at + 10);
        int insertAt = call.at() - codeStart;
        out.u2(bytes.u2(at));
        out.u4(bytes.u4(at + 2) + grown);
        out.u2(bytes.u2(at + 6) + RECORD_THIS_STACK);
        out.u2(bytes.u2(at + 8));
        out.u4(codeLength + grown);
        out.write(code, codeStart, insertAt);
        out.write(inserted, 0, inserted.length);
        out.write(code, call.at(), codeLength - insertAt);
        int attribute = codeStart + codeLength + 2;
        out.u2(0);
        int attributes = bytes.u2(attribute);
        out.u2(attributes);
        attribute += 2;
        for (int i = 0; i < attributes; i++) {
            boolean lines = bytes.textEquals(bytes.u2(attribute), LINE_NUMBERS);
            out.u2(bytes.u2(attribute));
            out.u4(bytes.u4(attribute + 2));
            int entries = bytes.u2(attribute + 6);
            out.u2(entries);
            int entry = attribute + 8;
            for (int e = 0; e < entries; e++) {
                int start = bytes.u2(entry);
                out.u2(start >= insertAt ? start + grown : start);
                if (lines) {
                    out.u2(bytes.u2(entry + 2));
                    entry += 4;
                } else {
                    int length = bytes.u2(entry + 2);
                    out.u2(start < insertAt && start + length > insertAt ? length + grown : length);
                    out.write(code, entry + 4, 6);
                    entry += 10;
                }
            }
            attribute += 6 + bytes.u4(attribute + 2);
        }
        return attribute;
    }

    /** Reads one method's code from its Code attribute, which starts at {@code attributeAt}. */
    private void readCode(String method, int attributeAt) {
        int at = attributeAt + 6;
        int codeStart = at + 8;
        int codeEnd = codeStart + bytes.u4(at + 4);
        int frames = -1;
        boolean shiftable = bytes.u2(codeEnd) == 0;
        int attributesAt = codeEnd + 2 + 8 * bytes.u2(codeEnd);
        int attributes = bytes.u2(attributesAt);
        int attribute = attributesAt + 2;
        List<Integer> lineTables = new ArrayList<>();
        for (int i = 0; i < attributes; i++) {
            int name = bytes.u2(attribute);
            if (bytes.textEquals(name, LINE_NUMBERS)) {
                lineTables.add(attribute + 6);
            } else if (bytes.textEquals(name, STACK_MAP)) {
                frames = attribute + 6;
            }
            shiftable &= isShiftable(name);
            attribute += 6 + bytes.u4(attribute + 2);
        }
        BitSet constructions = new BitSet();
        Deque<Construction> pending = new ArrayDeque<>();
        SuperCall superCall = null;
        byte[] code = bytes.code();
        for (int pc = codeStart; pc < codeEnd && inPlace; pc += Instructions.length(code, pc, codeStart)) {
            int opcode = code[pc] & 0xFF;
            if (opcode == NEW && isConstructed(bytes.reference(bytes.u2(pc + 1), 0))) {
                pending.push(new Construction(bytes.u2(pc + 1), pc, bytes.u1(pc + 3) == DUP));
                continue;
            }
            SiteCall call = opcode >= INVOKEVIRTUAL && opcode <= INVOKEINTERFACE
                    ? scan.siteCall(opcode, bytes.u2(pc + 1)) : null;
            if (call == null) {
                continue;
            }
            int reference = bytes.u2(pc + 1);
            String owner = bytes.text(bytes.ownerName(reference));
            int line = lineAt(lineTables, pc - codeStart);
            if (!call.constructor()) {
                inPlace &= !owner.startsWith("[");
                foreignStart |= call.record() == SiteCall.Record.THREAD_RECEIVER && !owner.equals(className)
                        && !owner.equals("java/lang/Thread");
                sites.add(new Site(call, opcode, pc, -1, reference, method, line));
            } else if (isPending(pending, owner)) {
                Construction construction = pending.pop();
                if (construction.duplicated()) {
                    constructions.set(construction.at() - codeStart);
                    sites.add(new Site(call, opcode, pc, construction.at(), reference, method, line));
                }
            } else if (method.equals("<init>") && owner.equals(superclass)) {
                inPlace &= superCall == null;
                superCall = new SuperCall(call, attributeAt, pc + 3, line);
            }
        }
        if (superCall != null) {
            // Recording this after super(...) adds instructions, which moves every offset after them: done only where
            // no branch, exception range or frame has one, and where local 0 is sure to hold this
            // (see CallSiteRewriter).
            inPlace &= shiftable && keepsThis(codeStart, codeEnd)
                    && codeEnd - codeStart + RECORD_THIS_LENGTH <= MAX_CODE_LENGTH;
            superCalls.add(superCall);
        }
        if (!constructions.isEmpty()) {
            // Before version 50 a class has no frames, and nothing would tell a construction whose code branches.
            inPlace &= bytes.u2(6) >= FIRST_WITH_FRAMES
                    && (frames < 0 || !StackMapFrames.holdUninitialized(bytes, frames, constructions));
        }
    }

    /** True for a Code attribute's attribute whose offsets {@link #writeGrownCode} moves, or that has none. */
    private boolean isShiftable(int name) {
        return bytes.textEquals(name, LINE_NUMBERS) || bytes.textEquals(name, LOCAL_VARIABLES)
                || bytes.textEquals(name, LOCAL_VARIABLE_TYPES);
    }

    /** True for code without a branch, in which local 0 keeps {@code this} throughout. */
    private boolean keepsThis(int codeStart, int codeEnd) {
        for (int pc = codeStart; pc < codeEnd; pc += Instructions.length(bytes.code(), pc, codeStart)) {
            int opcode = bytes.u1(pc);
            if (Instructions.branches(bytes, pc) || opcode == ASTORE_0 || opcode == ASTORE && bytes.u1(pc + 1) == 0
                    || opcode == WIDE && bytes.u1(pc + 1) == ASTORE && bytes.u2(pc + 2) == 0) {
                return false;
            }
        }
        return true;
    }

    /** True when the Utf8 constant names a type of {@link SiteCall#CONSTRUCTED}; most {@code new}s make others. */
    private boolean isConstructed(int utf8) {
        if (!scan.isNamed(utf8)) {
            return false;
        }
        for (byte[] type : CONSTRUCTED) {
            if (bytes.textEquals(utf8, type)) {
                return true;
            }
        }
        return false;
    }

    /** True when the innermost construction of a recorded type not yet initialised is one of {@code owner}. */
    private boolean isPending(Deque<Construction> pending, String owner) {
        return !pending.isEmpty() && bytes.text(bytes.reference(pending.peek().typeIndex(), 0)).equals(owner);
    }

    /** The line of the instruction at {@code pc}: that of the last line number entry starting at or before it. */
    private int lineAt(List<Integer> tables, int pc) {
        int line = 0;
        int start = -1;
        for (int table : tables) {
            int entries = bytes.u2(table);
            for (int i = 0; i < entries; i++) {
                int entryStart = bytes.u2(table + 2 + 4 * i);
                if (entryStart <= pc && entryStart >= start) {
                    start = entryStart;
                    line = bytes.u2(table + 4 + 4 * i);
                }
            }
        }
        return line;
    }

    /** Built by hand, as {@link CreationSites#site} says why. */
    private String stubDescriptor(Site site) {
        String descriptor = bytes.text(bytes.memberDescriptor(site.reference()));
        String owner = bytes.text(bytes.ownerName(site.reference()));
        int close = descriptor.indexOf(')');
        if (site.newAt() >= 0) {
            return new StringBuilder(close + owner.length() + 3).append(descriptor, 0, close + 1).append('L')
                    .append(owner).append(';').toString();
        }
        return site.opcode() == INVOKESTATIC ? descriptor : new StringBuilder(descriptor.length() + owner.length() + 2)
                .append("(L").append(owner).append(';').append(descriptor, 1, descriptor.length()).toString();
    }

    /** A call's place in this class, as {@link CreationSites} records it. */
    private String site(String method, int line) {
        return CreationSites.site(javaName, method, sourceFile, line);
    }

    /** Overwrites the call, and for a construction its {@code new} and {@code dup}, with the call of the stub. */
    private static void redirect(byte[] code, Site site, int stub) {
        if (site.newAt() >= 0) {
            for (int i = 0; i < 4; i++) {
                code[site.newAt() + i] = NOP;
            }
        }
        code[site.at()] = (byte) INVOKESTATIC;
        code[site.at() + 1] = (byte) (stub >> 8);
        code[site.at() + 2] = (byte) stub;
        if (site.opcode() == INVOKEINTERFACE) {
            code[site.at() + 3] = NOP;
            code[site.at() + 4] = NOP;
        }
    }

    /** The recorder a call's site calls; every site of one kind calls the same, so its reference is made once. */
    private int recorder(AddedConstants pool, SiteCall call) {
        int kind = call.record().ordinal();
        if (recorders[kind] == 0) {
            recorders[kind] = switch (call.record()) {
                case THREAD_RECEIVER -> pool.methodRef(RECORDER, "recordThread", ONE);
                case RECEIVER_AND_ARGUMENT -> pool.methodRef(RECORDER, "record", TWO);
                case TIMER -> pool.methodRef(RECORDER, "recordTimer", ONE);
                default -> pool.methodRef(RECORDER, "record", ONE);
            };
        }
        return recorders[kind];
    }

    private void writeStub(ClassOutput out, AddedConstants pool, Site site, int name, int type, String descriptor) {
        StubCode stub = new StubCode(descriptor);
        String where = site(site.method(), site.line());
        int text = pool.newString(where);
        int original = site.reference();
        SiteCall call = site.call();
        switch (call.record()) {
            case THREAD_RECEIVER, LAST_ARGUMENT -> stub.load(call.record() == SiteCall.Record.THREAD_RECEIVER ? 0
                    : stub.parameters() - 1).record(text, recorder(pool, call)).loadAll()
                    .invoke(site.opcode(), original).returns();
            case RECEIVER_AND_ARGUMENT -> stub.load(0).load(1).record(text, recorder(pool, call)).loadAll()
                    .invoke(site.opcode(), original).returns();
            case RESULT -> stub.loadAll().invoke(site.opcode(), original).dup().record(text, recorder(pool, call))
                    .returns();
            case CONSTRUCTED, TIMER -> stub.make(bytes.u2(site.newAt() + 1)).loadAll()
                    .invoke(INVOKESPECIAL, original).dup().record(text, recorder(pool, call)).returns();
            case STAND_IN -> stub.loadAll().constant(text)
                    .invoke(INVOKESTATIC, pool.methodRef(CALLS, call.name(), call.standInDescriptor())).returns();
        }
        out.u2(STUB_ACCESS);
        out.u2(name);
        out.u2(type);
        stub.writeMethodBody(out, codeName, site.line() > 0 ? pool.utf8("LineNumberTable") : 0, site.line());
    }

}
