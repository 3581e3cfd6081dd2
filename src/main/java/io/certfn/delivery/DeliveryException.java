package io.certfn.delivery;

/**
 * A delivery that did not happen. Its message is what the answer's {@code delivery} member and the
 * sweep's report say: the call that failed, the cloud's error code and what to change — never a key.
 */
public class DeliveryException extends RuntimeException {

    public DeliveryException(String message) {
        super(message);
    }

    public DeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
