variable "project" {
  type        = string
  description = "GCP project id"
}

variable "region" {
  type        = string
  default     = "europe-west1"
  description = "Region for buckets, KMS and Dataflow"
}

variable "prefix" {
  type        = string
  default     = "redact"
  description = "Name prefix for buckets, key ring and service accounts"
}

variable "noncurrent_version_days" {
  type        = number
  default     = 7
  description = "Days a replaced or deleted object version is kept before it is really gone (purge, shred)"
}

variable "audit_retention_days" {
  type        = number
  default     = 400
  description = "Days noncurrent audit events and access logs are kept"
}
