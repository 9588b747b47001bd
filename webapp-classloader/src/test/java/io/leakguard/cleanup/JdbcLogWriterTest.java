package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.leakguard.testing.ServerStarted;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.sql.DriverManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Whose JDBC log writer is reset: the stopping application's own goes, but another application's that passes messages
 * on to it is only reported, since resetting it would end that application's JDBC logging. The fixture
 * {@code jvm-registrations} shows the leak and its fix on Tomcat ({@code JvmRegistrationsTest}).
 */
@ExtendWith(ServerStarted.class)
@SuppressWarnings("deprecation") // the log stream is how an old server sets its JDBC logging
class JdbcLogWriterTest {

    @AfterEach
    void noLogWriter() {
        DriverManager.setLogWriter(null);
        CleanupEngine.serverInitialising();
    }

    @Test
    void theStoppingApplicationsWriterIsReset() throws Exception {
        DyingLoader dying = new DyingLoader();
        DriverManager.setLogWriter((PrintWriter) dying.newInstance(LogWriter.class));

        Finding finding = Passes.single(dying, "JdbcLogWriter");
        assertNull(DriverManager.getLogWriter());
        assertEquals(Outcome.FIXED, finding.outcome(), finding.message());
    }

    @Test
    void theServersStreamFromBeforeTheApplicationIsPutBack() throws Exception {
        PrintStream servers = new PrintStream(new ByteArrayOutputStream(), true);
        DriverManager.setLogStream(servers);
        CleanupEngine.serverInitialising();
        DyingLoader dying = new DyingLoader();
        DriverManager.setLogWriter((PrintWriter) dying.newInstance(LogWriter.class));

        Finding finding = Passes.single(dying, "JdbcLogWriter");
        assertSame(servers, DriverManager.getLogStream());
        assertEquals(Outcome.FIXED, finding.outcome(), finding.message());
        assertEquals("DriverManager.setLogStream(" + Describe.object(servers) + "): the server's, from before any"
                + " application", finding.action());
    }

    /**
     * leakguard came after the application set its stream: what it took for the server's is the application's, and
     * the writer DriverManager wrapped around it, of the JDK's own class, is the application's stream all the same.
     */
    @Test
    void theApplicationsStreamTakenForTheServersIsNotPutBack() throws Exception {
        DyingLoader dying = new DyingLoader();
        DriverManager.setLogStream((PrintStream) dying.newInstance(ConsoleStream.class));
        CleanupEngine.serverInitialising();

        assertTurnedOff(Passes.single(dying, "JdbcLogWriter"));
    }

    /** Another application's stream, taken for the server's, is not put back by way of DriverManager's writer. */
    @Test
    void anotherApplicationsStreamTakenForTheServersIsNotPutBack() throws Exception {
        DriverManager.setLogStream((PrintStream) new DyingLoader().newInstance(ConsoleStream.class));
        CleanupEngine.serverInitialising();
        DyingLoader dying = new DyingLoader();
        DriverManager.setLogWriter((PrintWriter) dying.newInstance(LogWriter.class));

        assertTurnedOff(Passes.single(dying, "JdbcLogWriter"));
    }

    /** A writer of the JDK's class taken for the server's that writes to the application's is the application's. */
    @Test
    void aJdkWriterAroundTheApplicationsTakenForTheServersIsNotPutBack() throws Exception {
        DyingLoader dying = new DyingLoader();
        DriverManager.setLogWriter(new PrintWriter((PrintWriter) dying.newInstance(LogWriter.class), true));
        CleanupEngine.serverInitialising();

        assertTurnedOff(Passes.single(dying, "JdbcLogWriter"));
    }

    @Test
    void theServersWriterFromBeforeTheApplicationIsPutBack() throws Exception {
        PrintWriter servers = new PrintWriter(new ByteArrayOutputStream(), true);
        DriverManager.setLogWriter(servers);
        CleanupEngine.serverInitialising();
        DyingLoader dying = new DyingLoader();
        DriverManager.setLogWriter((PrintWriter) dying.newInstance(LogWriter.class));

        Finding finding = Passes.single(dying, "JdbcLogWriter");
        assertSame(servers, DriverManager.getLogWriter());
        assertEquals(Outcome.FIXED, finding.outcome(), finding.message());
        assertEquals("DriverManager.setLogWriter(" + Describe.object(servers) + "): the server's, from before any"
                + " application", finding.action());
    }

    @Test
    void anotherApplicationsWriterThatPassesMessagesToThisOnesIsLeftInPlace() throws Exception {
        DyingLoader dying = new DyingLoader();
        assertLeftInPlace(dying, anotherApplicationsWriterHolding(dying));
    }

    /** Whose writer it is shows deeper than the outermost object: the JDK's writer here carries the other's output. */
    @Test
    void aJdkWriterAroundAnotherApplicationsIsLeftInPlace() throws Exception {
        DyingLoader dying = new DyingLoader();
        assertLeftInPlace(dying, new PrintWriter(anotherApplicationsWriterHolding(dying), true));
    }

    private static PrintWriter anotherApplicationsWriterHolding(DyingLoader dying) throws Exception {
        PrintWriter other = (PrintWriter) new DyingLoader().newInstance(LogWriter.class);
        other.getClass().getField("held").set(other, dying.newInstance(LogWriter.class));
        return other;
    }

    private static void assertTurnedOff(Finding finding) {
        assertNull(DriverManager.getLogStream());
        assertNull(DriverManager.getLogWriter());
        assertEquals(Outcome.FIXED, finding.outcome(), finding.message());
        assertEquals("DriverManager.setLogWriter(null): JDBC logging is off, as by default", finding.action());
    }

    private static void assertLeftInPlace(ClassLoader dying, PrintWriter writer) {
        DriverManager.setLogWriter(writer);
        Finding finding = Passes.single(dying, "JdbcLogWriter");
        assertSame(writer, DriverManager.getLogWriter());
        assertEquals(Outcome.WARNED, finding.outcome(), finding.message());
        assertEquals("the log writer is another application's, whose JDBC logging would end; left in place",
                finding.action());
    }
}
