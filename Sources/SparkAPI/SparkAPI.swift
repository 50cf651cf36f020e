// SparkAPI
