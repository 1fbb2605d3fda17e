print("ablsim")
