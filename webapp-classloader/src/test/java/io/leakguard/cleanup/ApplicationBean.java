package io.leakguard.cleanup;

import javax.management.MBeanRegistration;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * An MBean of an application, which {@link DyingLoader}s define anew in engine tests, whose clean-up after
 * unregistration fails on what the application's stop has closed already. While {@link #stalled}, its preDeregister
 * first waits, as for work in progress that no longer ends, until the test's {@link CallbackGate} releases it.
 */
public final class ApplicationBean implements ApplicationBeanMBean, MBeanRegistration {

    public volatile boolean stalled;

    @Override
    public int getCount() {
        return 0;
    }

    @Override
    public ObjectName preRegister(MBeanServer server, ObjectName name) {
        return name;
    }

    @Override
    public void postRegister(Boolean registrationDone) {
    }

    @Override
    public void preDeregister() throws InterruptedException {
        if (stalled) {
            CallbackGate.current().release.await();
        }
    }

    @Override
    public void postDeregister() {
        throw new IllegalStateException("metrics registry closed");
    }
}
