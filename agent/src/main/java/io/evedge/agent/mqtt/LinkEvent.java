package io.evedge.agent.mqtt;

/**
 * The link connected or lost its connection.
 *
 * @param connected true on a (re)connect, false on a loss
 * @param sessionPresent on a connect: the broker resumed our session (and so still holds what we
 *     published retained before, unless it was restarted without persistence); false on a loss
 */
public record LinkEvent(boolean connected, boolean sessionPresent) {}
