package io.evedge.simulator.demo;

import io.evedge.agent.mqtt.MqttIn;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The demo's live view of what a backend would see: every signal topic with its latest body and the
 * agent's status, redrawn in place on a terminal, or one line per message when output is piped.
 */
final class Console {

  private static final String CLEAR = "\033[H\033[2J";

  private final PrintStream out;
  private final boolean terminal;
  private final String header;
  private final String base;
  private final Supplier<String> progress;
  private final Map<String, String> signals = new TreeMap<>();
  private String status = "(waiting for the agent)";
  private String lastRecord = "";
  private boolean dirty;

  Console(PrintStream out, boolean terminal, String header, String base, Supplier<String> progress) {
    this.out = out;
    this.terminal = terminal;
    this.header = header;
    this.base = base;
    this.progress = progress;
  }

  /** Takes one received message; called on the console link's thread. */
  synchronized void accept(MqttIn in) {
    String body = new String(in.payload(), StandardCharsets.UTF_8);
    String topic = in.topic().startsWith(base + "/") ? in.topic().substring(base.length() + 1) : in.topic();
    if (topic.equals("status")) {
      status = body;
    } else if (topic.startsWith("signals/")) {
      signals.put(topic.substring("signals/".length()), body);
    } else if (topic.equals("records")) {
      lastRecord = body;
    }
    if (!terminal) {
      out.println(topic + " " + body);
    }
    dirty = true;
  }

  /** Redraws the screen when something changed (terminal only). */
  synchronized void redraw() {
    if (!terminal) {
      return;
    }
    StringBuilder b = new StringBuilder(CLEAR);
    b.append(header).append("\n\n");
    b.append("status  ").append(status).append("\n\n");
    int width = signals.keySet().stream().mapToInt(String::length).max().orElse(10);
    for (Map.Entry<String, String> e : signals.entrySet()) {
      b.append(String.format("%-" + width + "s  %s%n", e.getKey(), e.getValue()));
    }
    if (signals.isEmpty()) {
      b.append("(no signals yet)\n");
    }
    if (!lastRecord.isEmpty()) {
      b.append("\nlast record  ").append(lastRecord).append('\n');
    }
    b.append('\n').append(progress.get()).append('\n');
    out.print(b);
    out.flush();
    dirty = false;
  }

  synchronized boolean dirty() {
    return dirty;
  }
}
