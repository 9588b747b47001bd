package io.leakguard.cli;

/** A usage or input error: reported in one line, without a stack trace, with exit code 2. */
final class BadInput extends Exception {

    BadInput(String message) {
        super(message, null, false, false);
    }
}
