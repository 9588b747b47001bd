package io.leakguard.cleanup;

/** The management interface of {@link ApplicationBean}, which stays the server's: only the bean is defined anew. */
public interface ApplicationBeanMBean {

    int getCount();
}
