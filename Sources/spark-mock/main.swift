print("spark-mock")
