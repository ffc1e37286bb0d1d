//  validate.js - checks Kubernetes manifests against the Kubernetes OpenAPI schemas
//
//  Usage: node validate.js FILE.yaml   (a multi-document YAML stream, as
//  `kubectl kustomize DIR` prints it). Every document is built as the
//  kubernetes-models class of its apiVersion and kind, whose validate() checks
//  it against the JSON schema generated from the official OpenAPI definitions.
//  Prints one line per document; exits 0 when all are valid, 1 when one is not
//  (or its kind is unknown), 2 on a usage or read error.
"use strict";

const fs = require("fs");
const YAML = require("yaml");

function modelFor(apiVersion, kind) {
  //  "v1" is the core group; "apps/v1" and "networking.k8s.io/v1" name their group
  const path = `kubernetes-models/${apiVersion}/${kind}`;
  try {
    const exported = require(path);
    return exported[kind] || exported.default || null;
  } catch (error) {
    return null;
  }
}

function main(argv) {
  if (argv.length !== 1 || argv[0] === "-h" || argv[0] === "--help") {
    process.stderr.write("usage: node validate.js FILE.yaml\n");
    return 2;
  }
  let text;
  try {
    text = fs.readFileSync(argv[0], "utf8");
  } catch (error) {
    process.stderr.write(`validate: cannot read ${argv[0]}: ${error.message}\n`);
    return 2;
  }
  const documents = YAML.parseAllDocuments(text);
  let failed = 0;
  let count = 0;
  for (const document of documents) {
    if (document.errors.length) {
      process.stdout.write(`INVALID yaml: ${document.errors[0].message}\n`);
      failed++;
      continue;
    }
    const object = document.toJSON();
    if (object === null || object === undefined)
      continue;
    count++;
    const name = `${object.kind}/${object.metadata && object.metadata.name}`;
    const Model = modelFor(object.apiVersion, object.kind);
    if (!Model) {
      process.stdout.write(`INVALID ${name}: no schema for ${object.apiVersion} ${object.kind}\n`);
      failed++;
      continue;
    }
    try {
      new Model(object).validate();
      process.stdout.write(`valid ${name}\n`);
    } catch (error) {
      process.stdout.write(`INVALID ${name}: ${error.message.split("\n").join(" ")}\n`);
      failed++;
    }
  }
  process.stdout.write(`${count - failed} of ${count} documents valid\n`);
  return failed || count === 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
