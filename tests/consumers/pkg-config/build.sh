c++ -std=c++17 main.cpp $(pkg-config --cflags --libs envguard) -o app
