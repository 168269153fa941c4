variable "prefix" {
  description = "Name prefix of every bucket, key and role (e.g. acme-prod)"
  type        = string
}

variable "region" {
  description = "AWS region of the buckets and the KMS keys (data stays in this region)"
  type        = string
  default     = "eu-west-1"
}

variable "input_bucket_arns" {
  description = "ARNs of the buckets holding the raw corpora that `redact run` reads (read-only)"
  type        = list(string)
}

variable "run_principal_arns" {
  description = "Principals allowed to assume the run role (e.g. the EKS IRSA role of the job, CI)"
  type        = list(string)
}

variable "purge_principal_arns" {
  description = "Principals allowed to assume the purge role (the purge CronJob's service account)"
  type        = list(string)
}

variable "reveal_principal_arns" {
  description = "People or groups allowed to assume the reveal role (authorized detokenization)"
  type        = list(string)
}

variable "noncurrent_version_days" {
  description = "Days a replaced or deleted object version is kept before it is really gone (purge, shred)"
  type        = number
  default     = 7
}

variable "audit_retention_days" {
  description = "Object Lock retention of audit events (write once, read many)"
  type        = number
  default     = 400
}
