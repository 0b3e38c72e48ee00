package io.evedge.agent.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ResourceBundle;
import org.eclipse.paho.mqttv5.client.logging.Logger;
import org.eclipse.paho.mqttv5.client.logging.LoggerFactory;
import org.junit.jupiter.api.Test;

class PahoLogTest {

  @Test
  void pahoMakesItsLoggersFromOurClassOnceTheLinkIsLoaded() throws Exception {
    Class.forName(PahoMqttLink.class.getName());
    Logger log = LoggerFactory.getLogger(LoggerFactory.MQTT_CLIENT_MSG_CAT, "test");
    assertInstanceOf(PahoLog.class, log);
  }

  @Test
  void formatsPahoCatalogMessagesWithTheirInserts() {
    PahoLog log = new PahoLog();
    log.initialise(ResourceBundle.getBundle(LoggerFactory.MQTT_CLIENT_MSG_CAT), "test", "client-1");
    assertEquals("new workAvailable. key=m42", log.formatMessage("715", new Object[] {"m42"}));
    assertEquals("no such key {0}", log.formatMessage("no such key {0}", null));
  }

  @Test
  void pahosTraceLevelsAreOffAtTheAgentsDefaultLevel() {
    PahoLog log = new PahoLog();
    assertTrue(log.isLoggable(Logger.SEVERE));
    assertTrue(log.isLoggable(Logger.WARNING));
    assertFalse(log.isLoggable(Logger.FINE));
    assertFalse(log.isLoggable(Logger.FINEST));
  }
}
