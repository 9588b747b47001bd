/** The Tomcat server listener: one line in server.xml installs leakguard on every context. */
package io.leakguard.listener;
