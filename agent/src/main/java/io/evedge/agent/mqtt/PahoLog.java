package io.evedge.agent.mqtt;

import java.text.MessageFormat;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import org.tinylog.Logger;

/**
 * Paho's log messages, into the agent's log (tinylog) instead of java.util.logging: Paho's severe
 * messages as errors, warnings as warnings, info and config as debug, its trace levels as trace.
 *
 * <p>Paho makes a logger for every token, that is for every message it sends; its default logger
 * looks up a java.util.logging logger each time, which cost more than the rest of a publish. This one
 * keeps only the message catalog and formats a message only when its level is on. Installed through
 * Paho's own {@code LoggerFactory.setLogger} by {@link #install()}.
 */
public final class PahoLog implements org.eclipse.paho.mqttv5.client.logging.Logger {

  private ResourceBundle catalog;
  private String context = "";

  /** Makes Paho log through this class from now on (Paho instantiates it by name). */
  public static void install() {
    org.eclipse.paho.mqttv5.client.logging.LoggerFactory.setLogger(PahoLog.class.getName());
  }

  /** Paho instantiates this class by reflection. */
  public PahoLog() {
  }

  @Override
  public void initialise(ResourceBundle messageCatalog, String loggerID, String resourceName) {
    this.catalog = messageCatalog;
    setResourceName(resourceName);
  }

  @Override
  public void setResourceName(String logContext) {
    this.context = logContext == null ? "" : logContext;
  }

  @Override
  public boolean isLoggable(int level) {
    return switch (level) {
      case SEVERE -> Logger.isErrorEnabled();
      case WARNING -> Logger.isWarnEnabled();
      case INFO, CONFIG -> Logger.isDebugEnabled();
      default -> Logger.isTraceEnabled();
    };
  }

  @Override
  public void log(int level, String sourceClass, String sourceMethod, String msg, Object[] inserts,
      Throwable thrown) {
    if (!isLoggable(level)) {
      return;
    }
    String text = "Paho " + (context.isEmpty() ? "" : context + " ") + formatMessage(msg, inserts);
    switch (level) {
      case SEVERE -> Logger.error(thrown, text);
      case WARNING -> Logger.warn(thrown, text);
      case INFO, CONFIG -> Logger.debug(thrown, text);
      default -> Logger.trace(thrown, text);
    }
  }

  @Override
  public void trace(int level, String sourceClass, String sourceMethod, String msg, Object[] inserts,
      Throwable ex) {
    log(level, sourceClass, sourceMethod, msg, inserts, ex);
  }

  /** The catalog's text for {@code msg} (a message number) with its inserts, or {@code msg} itself. */
  @Override
  public String formatMessage(String msg, Object[] inserts) {
    String pattern = msg;
    if (catalog != null && msg != null) {
      try {
        pattern = catalog.getString(msg);
      } catch (MissingResourceException e) {
        // not a catalog key: the message itself
      }
    }
    if (inserts == null || inserts.length == 0 || pattern == null) {
      return String.valueOf(pattern);
    }
    try {
      return MessageFormat.format(pattern, inserts);
    } catch (IllegalArgumentException e) {
      return pattern;
    }
  }

  @Override
  public void dumpTrace() {
    // no trace buffer
  }

  @Override
  public void severe(String sourceClass, String sourceMethod, String msg) {
    log(SEVERE, sourceClass, sourceMethod, msg, null, null);
  }

  @Override
  public void severe(String sourceClass, String sourceMethod, String msg, Object[] inserts) {
    log(SEVERE, sourceClass, sourceMethod, msg, inserts, null);
  }

  @Override
  public void severe(String sourceClass, String sourceMethod, String msg, Object[] inserts, Throwable thrown) {
    log(SEVERE, sourceClass, sourceMethod, msg, inserts, thrown);
  }

  @Override
  public void warning(String sourceClass, String sourceMethod, String msg) {
    log(WARNING, sourceClass, sourceMethod, msg, null, null);
  }

  @Override
  public void warning(String sourceClass, String sourceMethod, String msg, Object[] inserts) {
    log(WARNING, sourceClass, sourceMethod, msg, inserts, null);
  }

  @Override
  public void warning(String sourceClass, String sourceMethod, String msg, Object[] inserts, Throwable thrown) {
    log(WARNING, sourceClass, sourceMethod, msg, inserts, thrown);
  }

  @Override
  public void info(String sourceClass, String sourceMethod, String msg) {
    log(INFO, sourceClass, sourceMethod, msg, null, null);
  }

  @Override
  public void info(String sourceClass, String sourceMethod, String msg, Object[] inserts) {
    log(INFO, sourceClass, sourceMethod, msg, inserts, null);
  }

  @Override
  public void info(String sourceClass, String sourceMethod, String msg, Object[] inserts, Throwable thrown) {
    log(INFO, sourceClass, sourceMethod, msg, inserts, thrown);
  }

  @Override
  public void config(String sourceClass, String sourceMethod, String msg) {
    log(CONFIG, sourceClass, sourceMethod, msg, null, null);
  }

  @Override
  public void config(String sourceClass, String sourceMethod, String msg, Object[] inserts) {
    log(CONFIG, sourceClass, sourceMethod, msg, inserts, null);
  }

  @Override
  public void config(String sourceClass, String sourceMethod, String msg, Object[] inserts, Throwable thrown) {
    log(CONFIG, sourceClass, sourceMethod, msg, inserts, thrown);
  }

  @Override
  public void fine(String sourceClass, String sourceMethod, String msg) {
    log(FINE, sourceClass, sourceMethod, msg, null, null);
  }

  @Override
  public void fine(String sourceClass, String sourceMethod, String msg, Object[] inserts) {
    log(FINE, sourceClass, sourceMethod, msg, inserts, null);
  }

  @Override
  public void fine(String sourceClass, String sourceMethod, String msg, Object[] inserts, Throwable ex) {
    log(FINE, sourceClass, sourceMethod, msg, inserts, ex);
  }

  @Override
  public void finer(String sourceClass, String sourceMethod, String msg) {
    log(FINER, sourceClass, sourceMethod, msg, null, null);
  }

  @Override
  public void finer(String sourceClass, String sourceMethod, String msg, Object[] inserts) {
    log(FINER, sourceClass, sourceMethod, msg, inserts, null);
  }

  @Override
  public void finer(String sourceClass, String sourceMethod, String msg, Object[] inserts, Throwable ex) {
    log(FINER, sourceClass, sourceMethod, msg, inserts, ex);
  }

  @Override
  public void finest(String sourceClass, String sourceMethod, String msg) {
    log(FINEST, sourceClass, sourceMethod, msg, null, null);
  }

  @Override
  public void finest(String sourceClass, String sourceMethod, String msg, Object[] inserts) {
    log(FINEST, sourceClass, sourceMethod, msg, inserts, null);
  }

  @Override
  public void finest(String sourceClass, String sourceMethod, String msg, Object[] inserts, Throwable ex) {
    log(FINEST, sourceClass, sourceMethod, msg, inserts, ex);
  }
}
