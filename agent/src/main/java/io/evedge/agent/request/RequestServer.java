package io.evedge.agent.request;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import io.evedge.agent.Topics;
import io.evedge.agent.contract.Payloads;
import io.evedge.agent.mqtt.MqttIn;
import io.evedge.agent.mqtt.MqttLink;
import io.evedge.agent.mqtt.MqttOut;
import io.evedge.agent.mqtt.TopicFilter;
import io.evedge.agent.record.RecordStore;
import io.evedge.agent.signal.SignalBodies;
import io.evedge.agent.signal.SignalCatalog;
import io.evedge.proto.ChargeRecordsDailyReply;
import io.evedge.proto.ChargeRecordsDailyRequest;
import io.evedge.proto.ChargeRecordsReply;
import io.evedge.proto.ChargeRecordsRequest;
import io.evedge.proto.DailyChargeSummary;
import io.evedge.proto.ErrorReply;
import io.evedge.proto.RequestMetrics;
import io.evedge.proto.PayloadFormat;
import io.evedge.proto.SignalValue;
import io.evedge.time.Scheduler;
import io.evedge.time.Threads;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.tinylog.Logger;

/**
 * Answers MQTT v5 requests on {@code <p>/req/<api>}: the reply goes to the request's Response Topic
 * with its Correlation Data, QoS 1, not retained, in the request's format (protobuf when its Content
 * Type is {@code application/x-protobuf}, JSON otherwise).
 *
 * <ul>
 *   <li>{@code charge-records} {@code {"startDate":"YYYY-MM-DD","endDate":…,"page":n}} (defaults:
 *       the 30 days up to today, page 1) replies {@code {"records":[…],"hasMoreData":bool}}, most
 *       recent first, as {@code charge-billing-records-tesla.md};
 *   <li>{@code charge-records-daily} {@code {"startDate":…,"endDate":…}} (at most
 *       {@value #MAX_DAILY_DAYS} days) replies {@code {"records":[{"date":…,"home":…,"other":…,
 *       "superCharger":…,"total":…}]}} as {@code charge-records-daily-tesla.md};
 *   <li>{@code signals/<name>} replies the signal's current body.
 * </ul>
 *
 * <p>Every bad request gets {@code {"error":{"code":…,"message":…}}} with one of the codes
 * {@code INVALID_JSON}, {@code INVALID_ARGUMENT}, {@code UNKNOWN_API}, {@code NOT_FOUND},
 * {@code PAYLOAD_TOO_LARGE}, {@code UNSUPPORTED_CONTENT_TYPE}, {@code BUSY}, {@code UNAVAILABLE},
 * {@code INTERNAL}. A request without a usable Response Topic cannot be answered: it is dropped and
 * logged (one line each, at most {@value #DROP_LOG_PER_MINUTE} a minute). Requests are served one at a
 * time on a thread of their own from a bounded queue; a request that finds it full gets {@code BUSY}.
 * Nothing a request carries can throw out of here or make it allocate more than the size limit.
 */
public final class RequestServer implements AutoCloseable {

  /** The longest range {@code charge-records-daily} answers. */
  public static final int MAX_DAILY_DAYS = 366;
  /** The highest page number answered. */
  public static final long MAX_PAGE = 1_000_000;
  static final int DROP_LOG_PER_MINUTE = 10;
  static final int DEFAULT_DAYS = 30;

  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd")
      .withResolverStyle(ResolverStyle.STRICT);
  private static final JsonFormat.Parser JSON = JsonFormat.parser();

  /** Limits of the server. */
  public record Options(int maxBytes, int pageSize, int queue) {}

  private final Topics topics;
  private final String prefix;
  private final MqttLink link;
  private final RecordStore store;
  private final Function<String, Optional<SignalValue>> signals;
  private final Set<String> published;
  private final Options options;
  private final ZoneId zone;
  private final Scheduler scheduler;
  private final ThreadPoolExecutor worker;
  private final AtomicLong handled = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private long dropWindowStart = Long.MIN_VALUE;
  private int dropsLogged;
  private long dropsUnlogged;

  /**
   * @param store the record store, or null when this agent keeps none (the record APIs then answer
   *     {@code UNAVAILABLE})
   * @param signals the current body of a signal
   * @param published the signals this configuration publishes
   */
  public RequestServer(Topics topics, MqttLink link, RecordStore store,
      Function<String, Optional<SignalValue>> signals, Set<String> published, Options options, ZoneId zone,
      Scheduler scheduler) {
    this.topics = topics;
    this.prefix = topics.request("");
    this.link = link;
    this.store = store;
    this.signals = signals;
    this.published = Set.copyOf(published);
    this.options = options;
    this.zone = zone;
    this.scheduler = scheduler;
    this.worker = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(options.queue()),
        Threads.factory("requests"));
    this.worker.allowCoreThreadTimeOut(true);
  }

  /** Subscribes to this agent's own {@code <p>/req/#}, and to nothing else. */
  public void start() {
    link.subscribe(prefix + "#", 1, this::onRequest);
  }

  /** The server's counters for {@code <p>/metrics}. */
  public RequestMetrics metrics() {
    return RequestMetrics.newBuilder().setHandled(handled.get()).setErrors(errors.get()).setDropped(dropped.get())
        .build();
  }

  /** An error reply. */
  static final class RequestError extends Exception {
    final String code;

    RequestError(String code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  /** Called on the link's thread: checks what is cheap and hands the request over. */
  void onRequest(MqttIn in) {
    try {
      if (in.responseTopic() == null || !TopicFilter.isPublishable(in.responseTopic())) {
        drop(in, in.responseTopic() == null ? "it has no response topic"
            : "its response topic is not a topic one can publish to");
        return;
      }
      boolean protobuf = in.contentType() != null && in.contentType().startsWith(Payloads.PROTOBUF);
      if (in.payload() != null && in.payload().length > options.maxBytes()) {
        reply(in, protobuf, error("PAYLOAD_TOO_LARGE", "the request is " + in.payload().length
            + " bytes; at most " + options.maxBytes() + " are accepted"));
        return;
      }
      try {
        worker.execute(() -> serve(in));
      } catch (RejectedExecutionException e) {
        reply(in, protobuf, error("BUSY", "too many requests waiting (" + options.queue() + "); try again later"));
      }
    } catch (RuntimeException e) {
      Logger.error(e, "Request on {} could not be handled", in.topic());
      dropped.incrementAndGet();
    }
  }

  private void serve(MqttIn in) {
    boolean protobuf = in.contentType() != null && in.contentType().startsWith(Payloads.PROTOBUF);
    Message answer;
    try {
      answer = answer(in, protobuf);
      handled.incrementAndGet();
    } catch (RequestError e) {
      answer = error(e.code, e.getMessage());
    } catch (RuntimeException | StackOverflowError e) {
      Logger.error(e, "Request on {} failed", in.topic());
      answer = error("INTERNAL", "the request could not be served: " + e.getClass().getSimpleName());
    }
    reply(in, protobuf, answer);
  }

  private Message answer(MqttIn in, boolean protobuf) throws RequestError {
    String ct = in.contentType();
    if (ct != null && !ct.isEmpty() && !protobuf && !ct.startsWith(Payloads.JSON) && !ct.startsWith("text/plain")) {
      throw new RequestError("UNSUPPORTED_CONTENT_TYPE", "content type '" + ct + "' is not understood; send "
          + Payloads.JSON + " or " + Payloads.PROTOBUF);
    }
    String api = in.topic().startsWith(prefix) ? in.topic().substring(prefix.length()) : in.topic();
    byte[] payload = in.payload() == null ? new byte[0] : in.payload();
    switch (api) {
      case "charge-records" -> {
        ChargeRecordsRequest.Builder r = ChargeRecordsRequest.newBuilder();
        parse(payload, protobuf, r);
        return chargeRecords(r.build());
      }
      case "charge-records-daily" -> {
        ChargeRecordsDailyRequest.Builder r = ChargeRecordsDailyRequest.newBuilder();
        parse(payload, protobuf, r);
        return daily(r.build());
      }
      default -> {
        if (api.startsWith("signals/")) {
          if (!protobuf) {
            parse(payload, false, Struct.newBuilder());
          }
          return signal(api.substring("signals/".length()));
        }
        throw new RequestError("UNKNOWN_API", "no API '" + api + "'; the APIs are charge-records, "
            + "charge-records-daily and signals/<signal-name> under " + prefix);
      }
    }
  }

  private Message chargeRecords(ChargeRecordsRequest r) throws RequestError {
    LocalDate end = date("endDate", r.getEndDate(), today());
    LocalDate start = date("startDate", r.getStartDate(), end.minusDays(DEFAULT_DAYS));
    if (end.isBefore(start)) {
      throw new RequestError("INVALID_ARGUMENT", "endDate " + end + " is before startDate " + start);
    }
    long page = r.hasPage() ? r.getPage() : 1;
    if (page < 1 || page > MAX_PAGE) {
      throw new RequestError("INVALID_ARGUMENT", "page must be a whole number from 1 to " + MAX_PAGE + ", got " + page);
    }
    RecordStore.RecordPage p;
    try {
      p = store().query(start, end, (int) page, options.pageSize());
    } catch (IOException e) {
      throw new RequestError("INTERNAL", "the record store failed: " + e.getMessage());
    }
    return ChargeRecordsReply.newBuilder().addAllRecords(p.records()).setHasMoreData(p.hasMoreData()).build();
  }

  private Message daily(ChargeRecordsDailyRequest r) throws RequestError {
    LocalDate end = date("endDate", r.getEndDate(), today());
    LocalDate start = date("startDate", r.getStartDate(), end.minusDays(DEFAULT_DAYS));
    if (end.isBefore(start)) {
      throw new RequestError("INVALID_ARGUMENT", "endDate " + end + " is before startDate " + start);
    }
    if (ChronoUnit.DAYS.between(start, end) >= MAX_DAILY_DAYS) {
      throw new RequestError("INVALID_ARGUMENT", "the range " + start + " to " + end + " is longer than "
          + MAX_DAILY_DAYS + " days; ask in parts");
    }
    try {
      return ChargeRecordsDailyReply.newBuilder().addAllRecords(store().daily(start, end)).build();
    } catch (IOException e) {
      throw new RequestError("INTERNAL", "the record store failed: " + e.getMessage());
    }
  }

  private Message signal(String name) throws RequestError {
    if (SignalCatalog.find(name).isEmpty()) {
      throw new RequestError("NOT_FOUND", "no signal '" + name + "'; the signals are "
          + String.join(", ", SignalCatalog.all().keySet()));
    }
    Optional<SignalValue> body = signals.apply(name);
    if (body.isPresent()) {
      return body.get();
    }
    if (!published.contains(name)) {
      throw new RequestError("NOT_FOUND", "signal " + name + " has no source in this agent's configuration");
    }
    throw new RequestError("NOT_FOUND", "signal " + name + " has no value yet");
  }

  private RecordStore store() throws RequestError {
    if (store == null) {
      throw new RequestError("UNAVAILABLE", "this agent keeps no charge records");
    }
    return store;
  }

  private LocalDate today() {
    return LocalDate.ofInstant(scheduler.now(), zone);
  }

  private static LocalDate date(String field, String text, LocalDate fallback) throws RequestError {
    if (text.isEmpty()) {
      return fallback;
    }
    try {
      return LocalDate.parse(text, DATE);
    } catch (DateTimeParseException e) {
      throw new RequestError("INVALID_ARGUMENT", field + " '" + abbreviate(text)
          + "' is not a date; expected YYYY-MM-DD");
    }
  }

  private static void parse(byte[] payload, boolean protobuf, Message.Builder into) throws RequestError {
    if (protobuf) {
      try {
        into.mergeFrom(payload);
      } catch (InvalidProtocolBufferException e) {
        throw new RequestError("INVALID_ARGUMENT", "not a " + into.getDescriptorForType().getFullName()
            + " message: " + e.getMessage());
      }
      return;
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload)).toString().strip();
    } catch (CharacterCodingException e) {
      throw new RequestError("INVALID_JSON", "the payload is not UTF-8 text");
    }
    if (text.isEmpty()) {
      return;
    }
    if (!text.startsWith("{")) {
      throw new RequestError("INVALID_JSON", "expected a JSON object such as {\"startDate\":\"2026-01-01\"}");
    }
    try {
      JSON.merge(text, Struct.newBuilder());
    } catch (InvalidProtocolBufferException | RuntimeException | StackOverflowError e) {
      throw new RequestError("INVALID_JSON", "the payload is not valid JSON: " + abbreviate(message(e)));
    }
    if (into.getDescriptorForType() == Struct.getDescriptor()) {
      return;
    }
    try {
      JSON.merge(text, into);
    } catch (InvalidProtocolBufferException | RuntimeException | StackOverflowError e) {
      throw new RequestError("INVALID_ARGUMENT", abbreviate(message(e)) + "; expected "
          + fields(into));
    }
  }

  private static String fields(Message.Builder b) {
    StringBuilder s = new StringBuilder("{");
    b.getDescriptorForType().getFields().forEach(f -> {
      if (s.length() > 1) {
        s.append(", ");
      }
      s.append('"').append(f.getJsonName()).append('"');
    });
    return s.append('}').toString();
  }

  private static String message(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replace("evedge.v1.", "");
  }

  private static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 117) + "...";
  }

  static Message error(String code, String message) {
    return ErrorReply.newBuilder().setError(ErrorReply.Error.newBuilder().setCode(code).setMessage(message)).build();
  }

  private void reply(MqttIn in, boolean protobuf, Message answer) {
    if (answer instanceof ErrorReply) {
      errors.incrementAndGet();
    }
    Payloads.Encoded e;
    if (protobuf) {
      e = Payloads.protobuf(answer);
    } else if (answer instanceof SignalValue body) {
      e = SignalBodies.encode(PayloadFormat.JSON, SignalCatalog.find(
          in.topic().substring(in.topic().lastIndexOf('/') + 1)).orElse(SignalCatalog.VOLTAGE), body);
    } else {
      e = Payloads.json(answer, f -> f.getContainingType() == DailyChargeSummary.getDescriptor()
          || (f.isRepeated() && f.getName().equals("records")));
    }
    link.publish(new MqttOut(in.responseTopic(), e.bytes(), 1, false, e.contentType(), false,
        in.correlationData()));
  }

  private synchronized void drop(MqttIn in, String why) {
    dropped.incrementAndGet();
    long now = scheduler.nanoTime();
    if (now - dropWindowStart > TimeUnit.MINUTES.toNanos(1)) {
      if (dropsUnlogged > 0) {
        Logger.warn("{} more request(s) dropped in the last minute without a log line", dropsUnlogged);
      }
      dropWindowStart = now;
      dropsLogged = 0;
      dropsUnlogged = 0;
    }
    if (dropsLogged++ < DROP_LOG_PER_MINUTE) {
      Logger.warn("Request on {} dropped: {}, so no reply can be sent", in.topic(), why);
    } else {
      dropsUnlogged++;
    }
  }

  /** The topics this server answers on. */
  public Topics topics() {
    return topics;
  }

  @Override
  public void close() {
    Threads.shutdown(worker, 2000);
  }
}
