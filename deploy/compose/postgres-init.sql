-- One database per service that keeps state.
CREATE DATABASE orgos_gateway;
CREATE DATABASE orgos_escalation;
CREATE DATABASE orgos_ledger;
