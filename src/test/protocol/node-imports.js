// From https://github.com/socketio/engine.io-protocol, test-suite/node-imports.js at commit
// f21de7b00ed09b3bbad2807db718ea5d6bc36aba (MIT License, copyright its authors); the same file as
// socket.io-protocol's at 4f633dd6a4445492d57af3b27ddd2d336014f1f1. Unchanged.

import fetch from "node-fetch";
import { WebSocket } from "ws";
import chai from "chai";
import chaiString from "chai-string";

chai.use(chaiString);

globalThis.fetch = fetch;
globalThis.WebSocket = WebSocket;
globalThis.chai = chai;
