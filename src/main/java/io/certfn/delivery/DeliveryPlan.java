package io.certfn.delivery;

import java.util.List;

/**
 * Which targets a certificate goes to: those of every policy rule that grants certificates for all
 * of its names (the policy implements it; the rooms below it only ask).
 */
public interface DeliveryPlan {

    /** The targets for a certificate of {@code names}, each once; empty when no rule names any. */
    List<DeliveryTarget> targetsFor(List<String> names);
}
