"""The budget's reference: a bare pymodbus + paho-mqtt script, as a user could run it instead of the
agent. It reads the same register blocks the agent reads, at the same rate, and publishes every
value that changed as a JSON body ({"value": ..., "timestamp": ...}) at the given QoS, one topic per
register. Started by the harness (evedge-simulator bench, run "1x10@script"); not part of the agent.

Arguments: modbus-host modbus-port unit-id broker-host broker-port hz qos topic-prefix blocks-json
where blocks-json is a list of {"address": a, "count": n, "points": [[key, offset], ...]}, all
float32 input registers, high word first.
"""
import json
import struct
import sys
import time
from datetime import datetime, timezone

import paho.mqtt.client as mqtt
from pymodbus.client import ModbusTcpClient


def main():
    host, port, unit, broker, broker_port, hz, qos, prefix, blocks = sys.argv[1:10]
    port, unit, broker_port, qos = int(port), int(unit), int(broker_port), int(qos)
    period = 1.0 / float(hz)
    blocks = json.loads(blocks)

    mq = mqtt.Client(client_id="reference-script", protocol=mqtt.MQTTv5)
    mq.will_set(prefix + "/status", json.dumps({"state": "offline"}, separators=(",", ":")), qos=1, retain=True)
    mq.connect(broker, broker_port)
    mq.loop_start()
    mq.publish(prefix + "/status", json.dumps({"state": "online"}, separators=(",", ":")), qos=1, retain=True)

    modbus = ModbusTcpClient(host, port=port)
    modbus.connect()
    last = {}
    deadline = time.monotonic()
    while True:
        for block in blocks:
            reply = modbus.read_input_registers(block["address"], block["count"], slave=unit)
            if reply.isError():
                continue
            words = reply.registers
            now = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
            for key, offset in block["points"]:
                value = struct.unpack(">f", struct.pack(">HH", words[offset], words[offset + 1]))[0]
                if last.get(key) != value:
                    last[key] = value
                    mq.publish(prefix + "/signals/" + key, json.dumps({"value": value, "timestamp": now}, separators=(",", ":")), qos=qos)
        deadline += period
        pause = deadline - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        else:
            deadline = time.monotonic()


if __name__ == "__main__":
    main()
