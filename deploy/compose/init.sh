#!/bin/sh
# One-shot: create the topics, register the schemas deliberately, put the example charter in force.
set -e
java -cp "/orgos/classes:/orgos/lib/*" dev.orgos.cli.Orgos mesh init --bootstrap kafka:9092 --registry http://registry:8080
java -cp "/orgos/classes:/orgos/lib/*" dev.orgos.cli.Orgos charter publish /charters/example.yaml \
  --bootstrap kafka:9092 --registry http://registry:8080 --as compose-init
