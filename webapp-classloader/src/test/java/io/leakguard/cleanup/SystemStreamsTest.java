package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.leakguard.testing.ServerStarted;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Who gets {@code System.out} and {@code System.in} back: the stopping application's own stream is replaced by the
 * server's, but another application's stream that wraps it is only reported, since replacing it would undo that
 * application's redirection. What the replaced stream still buffers is written out first.
 * The fixture {@code jvm-registrations} shows the leak and its fix on Tomcat ({@code JvmRegistrationsTest}).
 */
@ExtendWith(ServerStarted.class)
class SystemStreamsTest {

    @Test
    void theStoppingApplicationsStreamIsReplacedByTheServers() throws Exception {
        assertServersPutBack("Out", ConsoleStream.class, () -> System.out,
                stream -> System.setOut((PrintStream) stream));
    }

    @Test
    void theStoppingApplicationsInputIsReplacedByTheServers() throws Exception {
        assertServersPutBack("In", ConsoleInput.class, () -> System.in, stream -> System.setIn((InputStream) stream));
    }

    /** {@code name} as in {@code System.setOut}; the dying application's copy of {@code template} replaces it. */
    private static void assertServersPutBack(String name, Class<?> template, Supplier<Object> installed,
            Consumer<Object> install) throws Exception {
        DyingLoader dying = new DyingLoader();
        Object server = installed.get();
        install.accept(dying.newInstance(template));
        try {
            Finding finding = Passes.single(dying, "SystemStream");
            assertSame(server, installed.get());
            assertEquals(Outcome.FIXED, finding.outcome(), finding.message());
            assertEquals("System.set" + name + "(" + Describe.object(server) + ")", finding.action());
        } finally {
            install.accept(server);
        }
    }

    @Test
    void whatTheApplicationsStreamStillBuffersIsWrittenOut() throws Exception {
        DyingLoader dying = new DyingLoader();
        OutputStream output = (OutputStream) dying.newInstance(ConsoleOutput.class);
        PrintStream buffering = new PrintStream(new BufferedOutputStream(output), false, StandardCharsets.UTF_8);
        buffering.print("last words");
        assertEquals(Outcome.FIXED, withOut(buffering, dying).finding().outcome());
        assertEquals("last words", output.getClass().getField("written").get(output).toString());
    }

    @Test
    void aStreamWhoseFlushThrowsIsReplacedAllTheSame() throws Exception {
        DyingLoader dying = new DyingLoader();
        PrintStream failing = new PrintStream((OutputStream) dying.newInstance(FailingOutput.class), false,
                StandardCharsets.UTF_8);
        PrintStream server = System.out;
        After after = withOut(failing, dying);
        assertSame(server, after.out());
        assertEquals(Outcome.FIXED, after.finding().outcome(), after.finding().message());
        assertEquals("System.setOut(" + Describe.object(server) + "); what it still buffered is lost: its flush"
                + " failed with java.lang.IllegalStateException: appender closed", after.finding().action());
    }

    /** Whichever stream the check replaces first, its flush overflowing the stack, the other is replaced too. */
    @Test
    void aStreamWhoseFlushOverflowsTheStackLeavesTheOtherReplacedAllTheSame() throws Exception {
        DyingLoader dying = new DyingLoader();
        PrintStream serverOut = System.out;
        PrintStream serverErr = System.err;
        System.setOut(new PrintStream((OutputStream) dying.newInstance(OverflowingOutput.class)));
        System.setErr(new PrintStream((OutputStream) dying.newInstance(OverflowingOutput.class)));
        try {
            List<Finding> findings = Passes.findings(dying, "SystemStream");

            assertSame(serverOut, System.out, findings::toString);
            assertSame(serverErr, System.err, findings::toString);
            assertEquals(List.of(true, true), findings.stream().map(finding -> finding.action()
                    .endsWith("; what it still buffered is lost: its flush failed with java.lang.StackOverflowError"))
                    .toList(), findings::toString);
        } finally {
            System.setOut(serverOut);
            System.setErr(serverErr);
        }
    }

    /** The pass waits for the replaced stream's flush only as long as for a thread to stop. */
    @Test
    void aStreamWhoseFlushBlocksKeepsThePassOnlyForTheThreadStopWait() throws Exception {
        CallbackGate gate = CallbackGate.fresh();
        DyingLoader dying = new DyingLoader();
        PrintStream server = System.out;
        System.setOut(new PrintStream((OutputStream) dying.newInstance(StalledOutput.class)));
        try {
            List<Finding> findings = Passes.waitingForCode(dying, "SystemStream");

            assertSame(server, System.out, findings::toString);
            assertEquals(List.of("System.setOut(" + Describe.object(server) + "); its flush was still running after"
                    + " 300 ms, left to finish on its own thread"), findings.stream().map(Finding::action).toList());
        } finally {
            gate.release.countDown();
            System.setOut(server);
        }
    }

    @Test
    void anotherApplicationsStreamThatWrapsThisOnesIsLeftInPlace() throws Exception {
        DyingLoader dying = new DyingLoader();
        PrintStream wrapping = (PrintStream) new DyingLoader().newInstance(ConsoleStream.class);
        wrapping.getClass().getField("held").set(wrapping, dying.newInstance(ConsoleStream.class));
        After after = withOut(wrapping, dying);
        assertSame(wrapping, after.out());
        assertEquals(Outcome.WARNED, after.finding().outcome(), after.finding().message());
        assertEquals("the stream is another application's, which would lose its own redirection; left in place",
                after.finding().action());
    }

    /**
     * leakguard loaded after the application had replaced System.out, and no server start told it otherwise: the
     * stream it took for the server's is the application's, which putting back would not let go of.
     */
    @Test
    void theApplicationsStreamTakenForTheServersIsLeftInPlace() throws Exception {
        DyingLoader dying = new DyingLoader();
        PrintStream own = (PrintStream) dying.newInstance(ConsoleStream.class);
        assertTakenForTheServersLeftInPlace(dying, own, own);
    }

    /** The same with another application's stream taken for the server's: putting it back would keep that one. */
    @Test
    void anotherApplicationsStreamTakenForTheServersIsNotPutBack() throws Exception {
        DyingLoader dying = new DyingLoader();
        PrintStream others = (PrintStream) new DyingLoader().newInstance(ConsoleStream.class);
        assertTakenForTheServersLeftInPlace(dying, others, (PrintStream) dying.newInstance(ConsoleStream.class));
    }

    /** A JDK stream around the application's own output is the application's all the same. */
    @Test
    void aJdkStreamAroundTheApplicationsTakenForTheServersIsNotPutBack() throws Exception {
        DyingLoader dying = new DyingLoader();
        PrintStream wrapped = new PrintStream((OutputStream) dying.newInstance(ConsoleOutput.class));
        assertTakenForTheServersLeftInPlace(dying, wrapped, (PrintStream) dying.newInstance(ConsoleStream.class));
    }

    /** With {@code taken} as System.out when leakguard takes note of the server's, then {@code own}. */
    private static void assertTakenForTheServersLeftInPlace(DyingLoader dying, PrintStream taken, PrintStream own) {
        PrintStream server = System.out;
        System.setOut(taken);
        SystemStreams.remember();
        System.setOut(own);
        try {
            Finding finding = Passes.single(dying, "SystemStream");
            assertSame(own, System.out);
            assertEquals(Outcome.WARNED, finding.outcome(), finding.message());
            assertEquals("the stream leakguard took for the server's is an application's; left in place",
                    finding.action());
        } finally {
            System.setOut(server);
            SystemStreams.remember();
        }
    }

    /** The finding, and System.out as the check left it. */
    private record After(Finding finding, PrintStream out) {
    }

    /** The check with {@code installed} as System.out, which is the server's again afterwards whatever happened. */
    private static After withOut(PrintStream installed, ClassLoader dying) {
        PrintStream server = System.out;
        System.setOut(installed);
        try {
            Finding finding = Passes.single(dying, "SystemStream");
            return new After(finding, System.out);
        } finally {
            System.setOut(server);
        }
    }
}
