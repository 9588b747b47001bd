package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.rmi.NoSuchObjectException;
import java.rmi.Remote;
import java.rmi.server.RemoteObject;
import java.rmi.server.UnicastRemoteObject;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Remote objects that leave RMI's table while the check unexports the others. The fixture {@code jvm-registrations}
 * shows the leak and its fix on Tomcat ({@code JvmRegistrationsTest}).
 */
class RmiExportsTest {

    /** What RMI logs, at FINER, as it takes an object out of its table. */
    private static final String REMOVING = "remove object ";

    /**
     * The application's own thread, still ending, unexports an object after the check has listed it: RMI logging that
     * it takes the first object out of its table is when the test does the same with the other one.
     */
    @Test
    void anObjectUnexportedSinceTheCheckListedItIsFixedAndTheOthersUnexported() throws Exception {
        DyingLoader dying = new DyingLoader();
        List<Remote> remotes = List.of((Remote) dying.newInstance(ApplicationRemoteObject.class),
                (Remote) dying.newInstance(ApplicationRemoteObject.class));
        for (Remote remote : remotes) {
            UnicastRemoteObject.exportObject(remote, 0);
        }
        Logger rmi = Logger.getLogger("sun.rmi.dgc");
        Level level = rmi.getLevel();
        Handler unexportingTheOther = new UnexportingTheOther(remotes);
        rmi.setLevel(Level.FINER);
        rmi.addHandler(unexportingTheOther);
        try {
            List<Finding> findings = Passes.findings(dying, "RmiExport");

            assertEquals(List.of(Outcome.FIXED, Outcome.FIXED), findings.stream().map(Finding::outcome).toList(),
                    findings::toString);
            assertEquals(1, findings.stream().filter(finding -> finding.action().startsWith("unexported since the check"
                    + " listed it, by someone else")).count(), findings::toString);
        } finally {
            rmi.removeHandler(unexportingTheOther);
            rmi.setLevel(level);
            for (Remote remote : remotes) {
                assertThrows(NoSuchObjectException.class, () -> UnicastRemoteObject.unexportObject(remote, true));
            }
        }
    }

    /** On the first object RMI takes out of its table, unexports the other one, as its own thread would. */
    private static final class UnexportingTheOther extends Handler {

        private final List<Remote> remotes;
        private final AtomicBoolean armed = new AtomicBoolean(true);

        UnexportingTheOther(List<Remote> remotes) {
            this.remotes = remotes;
        }

        @Override
        public void publish(LogRecord record) {
            String message = record.getMessage();
            if (!message.contains(REMOVING) || !armed.compareAndSet(true, false)) {
                return;
            }
            String removing = "objID:" + message.substring(message.indexOf(REMOVING) + REMOVING.length());
            try {
                for (Remote remote : remotes) {
                    if (!RemoteObject.toStub(remote).toString().contains(removing)) {
                        UnicastRemoteObject.unexportObject(remote, true);
                    }
                }
            } catch (NoSuchObjectException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
