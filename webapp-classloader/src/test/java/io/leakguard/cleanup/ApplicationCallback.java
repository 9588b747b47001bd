package io.leakguard.cleanup;

/**
 * A callback of an application, which {@link DyingLoader}s define anew in engine tests: two versions of one
 * application (parallel deployment), or two applications that bundle the same library, have a class of this name
 * each. Registered with a server library's dispatcher thread, it blocks until the server's {@link CallbackGate}
 * opens.
 */
public final class ApplicationCallback implements Runnable {

    @Override
    public void run() {
        CallbackGate gate = CallbackGate.current();
        gate.running.countDown();
        try {
            gate.release.await();
        } catch (InterruptedException e) {
            gate.interrupted.countDown();
        }
    }
}
