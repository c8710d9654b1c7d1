"use strict";
// Mocha's spec output, then the run judged against expected-failures.json: the exit code counts
// the failures not listed there (or failing with another message than listed) and the listed
// tests that passed or did not run, so the list can neither hide a new failure nor go stale.
const fs = require("fs");
const path = require("path");
const Mocha = require("mocha");

const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class ExpectedFailuresReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const listed = JSON.parse(fs.readFileSync(path.join(__dirname, "expected-failures.json"), "utf8"));
    this.expected = new Map();
    for (const [file, entries] of Object.entries(listed)) {
      if (Array.isArray(entries)) {
        entries.forEach((entry) => this.expected.set(`${file}: ${entry.test}`, entry));
      }
    }
    // A test can report more than once (an error after it passed, done() called twice).
    this.outcomes = new Map();
    runner.on(EVENT_TEST_PASS, (test) => this.outcome(test).passes++);
    runner.on(EVENT_TEST_FAIL, (test, err) => this.outcome(test).errors.push(String(err && err.message)));
    runner.on(EVENT_TEST_PENDING, (test) => this.outcome(test).errors.push("skipped"));
  }

  outcome(test) {
    const key = `${path.basename(test.file || "")}: ${test.fullTitle()}`;
    if (!this.outcomes.has(key)) {
      this.outcomes.set(key, { passes: 0, errors: [] });
    }
    return this.outcomes.get(key);
  }

  done(failures, exit) {
    const problems = [];
    let passed = 0;
    let failedAsListed = 0;
    for (const [key, { errors }] of this.outcomes) {
      const entry = this.expected.get(key);
      if (!entry) {
        if (errors.length > 0) {
          problems.push(`unexpected failure: ${key}\n      ${errors.join("\n      ")}`);
        } else {
          passed++;
        }
      } else if (errors.length === 0) {
        problems.push(`listed as an expected failure but passed (remove it from the list): ${key}`);
      } else if (!errors.every((message) => message.includes(entry.error))) {
        problems.push(`failed otherwise than listed ("${entry.error}"): ${key}\n      ${errors.join("\n      ")}`);
      } else {
        failedAsListed++;
      }
    }
    for (const key of this.expected.keys()) {
      if (!this.outcomes.has(key)) {
        problems.push(`listed as an expected failure but did not run: ${key}`);
      }
    }
    console.log(`\nAgainst expected-failures.json: ${passed} passed, ${failedAsListed} failed as listed, `
        + `${problems.length} problem(s)${problems.length ? ":\n  " + problems.join("\n  ") : ""}`);
    exit(problems.length);
  }
}

module.exports = ExpectedFailuresReporter;
