package dev.hodei.workers;

/** An agent's credentials were refused; the message is for the event log, not for the agent. */
public class RegistrationRefused extends Exception {
    public RegistrationRefused(String message) {
        super(message);
    }
}
