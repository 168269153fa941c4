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
