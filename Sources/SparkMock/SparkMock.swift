// SparkMock
