package io.conmonj.host.policy;

/**
 * The administrator's policy refused something: a malformed or unsafe policy file, or an annotation the policy
 * does not allow. The message names where ({@code FILE:LINE}, or the policy's source for refusals of annotations)
 * and the rule, so that {@code podman run} shows the operator exactly what to change:
 * {@code FILE:LINE: RULE: message}.
 */
public final class PolicyException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String rule;

    public PolicyException(String where, String rule, String message) {
        super(where + ": " + rule + ": " + message, null, false, false);
        this.rule = rule;
    }

    /** At {@code line} of {@code file}. */
    public static PolicyException at(String file, int line, String rule, String message) {
        return new PolicyException(file + ":" + line, rule, message);
    }

    /** The rule's name, as docs/security.md lists them. */
    public String rule() {
        return rule;
    }
}
