package dev.hodei.providers;

/** A provider call failed; the message says why in words fit for a job's failure reason. */
public class ProvisioningException extends Exception {
    public ProvisioningException(String message) {
        super(message);
    }

    public ProvisioningException(String message, Throwable cause) {
        super(message, cause);
    }
}
